#include "hcdc/models/message_passing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hcdc/core/error.hpp"
#include "hcdc/core/registry.hpp"

namespace hcdc::models {

const std::vector<std::string>& conv_names() {
  static const std::vector<std::string> names{"gcn",   "sage-mean", "sage-max", "gat",       "gin-eps",
                                              "gin-0", "sgc-2",     "sgc-3",    "chebnet-2", "chebnet-3"};
  return names;
}

Conv parse_conv(const std::string& name) {
  const auto& n = conv_names();
  for (std::size_t i = 0; i < n.size(); ++i)
    if (n[i] == name) return static_cast<Conv>(i);
  throw UnknownName(fmt::format("unknown convolution '{}' (known: {})", name, fmt::join(n, ", ")));
}

const std::string& conv_name(Conv c) { return conv_names().at(static_cast<std::size_t>(c)); }

bool conv_is_followed_by_activation(Conv c) { return c != Conv::kSgc2 && c != Conv::kSgc3; }

int conv_hops(Conv c) {
  switch (c) {
    case Conv::kSgc2: return 2;
    case Conv::kSgc3: return 3;
    case Conv::kCheb3: return 2;
    default: return 1;  // GCN, SAGE, GAT, GIN, ChebNet-2 (T_0, T_1: one propagation)
  }
}

torch::Tensor neighbour_max(const GraphOperators& g, const torch::Tensor& h) {
  const auto& dst = g.targets();
  torch::Tensor out = torch::zeros({h.size(0), h.size(1)}, h.options());
  if (dst.numel() == 0) return out;
  torch::Tensor index = dst.unsqueeze(1).expand({dst.size(0), h.size(1)});
  // include_self = false: a node's row is the max over its messages only (kept 0 without any).
  return out.scatter_reduce(0, index, h.index_select(0, g.sources()), "amax", /*include_self=*/false);
}

torch::Tensor graph_attention(const GraphOperators& g, const torch::Tensor& z, const torch::Tensor& s,
                              const torch::Tensor& t) {
  const auto n = z.size(0), heads = z.size(1);
  torch::Tensor self = torch::arange(n, g.targets().options());
  torch::Tensor dst = torch::cat({g.targets(), self}), src = torch::cat({g.sources(), self});
  torch::Tensor from_src = (z * s).sum(-1), from_dst = (z * t).sum(-1);  // n × heads
  torch::Tensor e = torch::leaky_relu(from_src.index_select(0, src) + from_dst.index_select(0, dst), 0.2);  // E × heads
  torch::Tensor index = dst.unsqueeze(1).expand({dst.size(0), heads});
  // Softmax over each node's incoming edges; the shift by the per-node max only guards exp() and
  // cancels in the ratio, so it is taken without gradient.
  torch::Tensor top = torch::full({n, heads}, -std::numeric_limits<double>::infinity(), e.options())
                          .scatter_reduce(0, index, e.detach(), "amax", /*include_self=*/true);
  torch::Tensor ex = torch::exp(e - top.index_select(0, dst));
  torch::Tensor denom = torch::zeros({n, heads}, e.options()).index_add(0, dst, ex);
  torch::Tensor a = ex / denom.index_select(0, dst);
  return torch::zeros_like(z).index_add(0, dst, a.unsqueeze(-1) * z.index_select(0, src));
}

ConvLayer::ConvLayer(Conv conv, std::int64_t in, std::int64_t out, std::int64_t heads, bool smooth,
                     ParameterLayout& layout)
    : conv_(conv), in_(in), out_(out), heads_(conv == Conv::kGat ? heads : 1), smooth_(smooth) {
  if (in < 1 || out < 1) throw SettingError("widths", "a layer needs at least one input and one output feature");
  if (heads_ < 1 || out % heads_ != 0)
    throw SettingError("gat_heads", fmt::format("the GAT head count {} must divide the layer width {}", heads_, out));
  auto add = [&](std::int64_t rows, std::int64_t cols) { blocks_.push_back(layout.add(rows, cols)); };
  switch (conv_) {
    case Conv::kGcn:
    case Conv::kSgc2:
    case Conv::kSgc3:
      add(in, out);
      add(out, 0);
      break;
    case Conv::kSageMean:
    case Conv::kSageMax:
      add(in, out);  // root
      add(in, out);  // neighbours
      add(out, 0);
      break;
    case Conv::kGat:
      add(in, out);                 // W, all heads side by side
      add(heads_, out / heads_);    // source attention vectors
      add(heads_, out / heads_);    // target attention vectors
      add(out, 0);
      break;
    case Conv::kGinEps:
    case Conv::kGin0:
      add(in, out);
      add(out, 0);
      add(out, out);
      add(out, 0);
      if (conv_ == Conv::kGinEps) add(1, 0);  // ε, a vector block: starts at 0
      break;
    case Conv::kCheb2:
    case Conv::kCheb3:
      for (int k = 0; k < (conv_ == Conv::kCheb2 ? 2 : 3); ++k) add(in, out);
      add(out, 0);
      break;
  }
}

torch::Tensor ConvLayer::forward(const ParameterLayout& layout, const torch::Tensor& theta, const torch::Tensor& h,
                                 const GraphOperators& g) const {
  auto w = [&](std::size_t i) { return layout.view(theta, blocks_.at(i)); };
  switch (conv_) {
    case Conv::kGcn:
      return g.apply(GraphOp::kGcn, torch::mm(h, w(0))) + w(1);
    case Conv::kSgc2:
    case Conv::kSgc3: {
      torch::Tensor z = torch::mm(h, w(0));  // Â^K (H W) = (Â^K H) W, the narrow side propagated
      for (int k = 0; k < (conv_ == Conv::kSgc2 ? 2 : 3); ++k) z = g.apply(GraphOp::kGcn, z);
      return z + w(1);
    }
    case Conv::kSageMean:
      return torch::mm(h, w(0)) + torch::mm(g.apply(GraphOp::kMeanAdj, h), w(1)) + w(2);
    case Conv::kSageMax:
      return torch::mm(h, w(0)) + torch::mm(neighbour_max(g, h), w(1)) + w(2);
    case Conv::kGat: {
      torch::Tensor z = torch::mm(h, w(0)).view({h.size(0), heads_, out_ / heads_});
      return graph_attention(g, z, w(1), w(2)).reshape({h.size(0), out_}) + w(3);
    }
    case Conv::kGinEps:
    case Conv::kGin0: {
      torch::Tensor agg = g.apply(GraphOp::kAdj, h) + (conv_ == Conv::kGinEps ? (1 + w(4)) * h : h);
      torch::Tensor mid = torch::mm(agg, w(0)) + w(1);
      mid = smooth_ ? torch::tanh(mid) : torch::relu(mid);
      return torch::mm(mid, w(2)) + w(3);
    }
    case Conv::kCheb2:
    case Conv::kCheb3: {
      // T_0 = H, T_1 = L̃H = −(D^-1/2 A D^-1/2) H, T_k = 2 L̃ T_{k-1} − T_{k-2}.
      const int terms = conv_ == Conv::kCheb2 ? 2 : 3;
      torch::Tensor prev2, prev = h, out = torch::mm(h, w(0));
      for (int k = 1; k < terms; ++k) {
        torch::Tensor cur = k == 1 ? -g.apply(GraphOp::kSymAdj, prev) : -2 * g.apply(GraphOp::kSymAdj, prev) - prev2;
        out = out + torch::mm(cur, w(static_cast<std::size_t>(k)));
        prev2 = prev;
        prev = cur;
      }
      return out + w(static_cast<std::size_t>(terms));
    }
  }
  throw std::logic_error("ConvLayer: unhandled convolution");
}

}  // namespace hcdc::models
