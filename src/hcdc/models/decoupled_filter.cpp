#include "hcdc/models/decoupled_filter.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hcdc/core/error.hpp"

namespace hcdc::models {

GraphOp propagation_operator(FilterBasis basis) {
  if (basis == FilterBasis::kMonomial) return GraphOp::kGcn;
  if (basis == FilterBasis::kChebyshev) return GraphOp::kSymAdj;
  throw SettingError("basis", "decoupled filters use the monomial or chebyshev basis");
}

std::vector<torch::Tensor> propagate_rows(const GraphOperators& g, const torch::Tensor& x, FilterBasis basis, int order,
                                          const std::vector<torch::Tensor>& rows) {
  const GraphOp op = propagation_operator(basis);
  std::vector<torch::Tensor> out;
  for (const auto& r : rows) out.push_back(torch::empty({r.size(0), order + 1, x.size(1)}, x.options()));
  auto keep = [&](int k, const torch::Tensor& hop) {
    for (std::size_t i = 0; i < rows.size(); ++i) out[i].select(1, k).copy_(hop.index_select(0, rows[i]));
  };
  keep(0, x);
  // Hop k from hops k − 1 (`last`) and k − 2 (`before`), `apply` being the operator on the whole
  // graph or at some rows (`before` then at those rows too): one recurrence for both.
  auto next_hop = [basis](int k, const auto& apply, const torch::Tensor& last, const torch::Tensor& before) {
    if (basis == FilterBasis::kMonomial) return apply(last);
    if (k == 1) return apply(last).neg_();          // T_1 = L̃ X, L̃ = −SymAdj
    return apply(last).mul_(-2).sub_(before);       // T_k = 2 L̃ T_{k−1} − T_{k−2}
  };
  const bool two_back = basis == FilterBasis::kChebyshev;  // the monomial walk needs one hop back only
  torch::Tensor before, last = x;                           // hops k − 2 and k − 1
  for (int k = 1; k < order; ++k) {
    torch::Tensor hop = next_hop(k, [&](const torch::Tensor& t) { return g.apply(op, t); }, last, before);
    keep(k, hop);
    if (two_back) before = std::move(last);
    last = std::move(hop);
  }
  // The last hop is needed at the kept rows only: computed there, never for the whole graph.
  if (order >= 1)
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const torch::Tensor& r = rows[i];
      const torch::Tensor before_here = two_back && order > 1 ? before.index_select(0, r) : torch::Tensor();
      out[i].select(1, order).copy_(
          next_hop(order, [&](const torch::Tensor& t) { return g.apply_rows(op, r, t); }, last, before_here));
    }
  return out;
}

torch::Tensor propagate_blocks(const GraphOperators& g, const torch::Tensor& x, FilterBasis basis, int order) {
  return propagate_rows(g, x, basis, order, {torch::arange(x.size(0), torch::kLong)}).front();
}

torch::Tensor mix_blocks(const torch::Tensor& x, const torch::Tensor& lambda) {
  const bool batched = lambda.dim() == 2;
  const std::int64_t blocks = lambda.size(-1);
  auto weight = [&](std::int64_t k) {
    return batched ? lambda.select(1, k).view({lambda.size(0), 1, 1}) : lambda.select(0, k);
  };
  auto block = [&](std::int64_t k) { return batched ? x.select(1, k).unsqueeze(0) : x.select(1, k); };
  // λ_0 X_0, then h += λ_k X_k in place, one pass each (the product is not saved for a backward, so
  // the in-place update is safe): three passes over the rows for three blocks instead of five with
  // a temporary per block. The mix is the largest element-wise work of a decoupled filter's
  // forward on wide features (Cora's 1,433).
  torch::Tensor h = weight(0) * block(0);
  for (std::int64_t k = 1; k < blocks; ++k) h.addcmul_(block(k), weight(k));
  return h;
}

DecoupledFilter::DecoupledFilter(std::int64_t num_classes, DecoupledConfig cfg) : classes_(num_classes), cfg_(cfg) {
  if (cfg_.layers < 1) throw SettingError("layers", "must be >= 1");
  if (cfg_.blocks < 1 || cfg_.features < 1) throw SettingError("family", "decoupled filter needs blocks and features");
  for (int l = 0; l < cfg_.layers; ++l) {
    std::int64_t din = l == 0 ? cfg_.features : cfg_.hidden;
    std::int64_t dout = l + 1 == cfg_.layers ? classes_ : cfg_.hidden;
    w_.push_back(layout_.add(din, dout));
    b_.push_back(layout_.add(dout, 0));
  }
}

torch::Tensor DecoupledFilter::init_theta(std::uint64_t seed, torch::Dtype dtype) const { return layout_.glorot(seed, dtype); }

torch::Tensor DecoupledFilter::default_lambda(torch::Dtype dtype) const {
  return torch::full({cfg_.blocks}, 1.0 / static_cast<double>(cfg_.blocks), torch::TensorOptions().dtype(dtype));
}

void DecoupledFilter::check_blocks(const torch::Tensor& x) const {
  if (x.dim() != 3 || x.size(1) != cfg_.blocks || x.size(2) != cfg_.features)
    throw SettingError("family",
                       fmt::format("decoupled filter expects n × {} × {} feature blocks, the data is {}", cfg_.blocks,
                                   cfg_.features, fmt::format("{}", fmt::join(x.sizes(), "×"))));
}

torch::Tensor DecoupledFilter::mix(const torch::Tensor& lambda, const torch::Tensor& x) const {
  check_blocks(x);
  return mix_blocks(x, lambda);
}

torch::Tensor DecoupledFilter::batched_prepare(const torch::Tensor& lambda, const ModelInput& in) const {
  check_blocks(in.x);
  return mix_blocks(in.x, lambda);
}

torch::Tensor DecoupledFilter::batched_logits(const std::vector<torch::Tensor>& blocks,
                                              const torch::Tensor& prepared) const {
  torch::Tensor h = prepared;
  for (int l = 0; l < cfg_.layers; ++l) {
    h = torch::baddbmm(blocks.at(static_cast<size_t>(b_[static_cast<size_t>(l)])), h,
                       blocks.at(static_cast<size_t>(w_[static_cast<size_t>(l)])));
    if (l + 1 < cfg_.layers) h = cfg_.smooth ? torch::tanh(h) : torch::relu(h);
  }
  return h;
}

torch::Tensor DecoupledFilter::logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const {
  torch::Tensor h = mix(lambda, in.x);
  for (int l = 0; l < cfg_.layers; ++l) {
    h = torch::addmm(layout_.view(theta, b_[static_cast<size_t>(l)]), h, layout_.view(theta, w_[static_cast<size_t>(l)]));
    if (l + 1 < cfg_.layers) h = cfg_.smooth ? torch::tanh(h) : torch::relu(h);
  }
  return h;
}

torch::Tensor DecoupledFilter::embed(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const {
  torch::Tensor h = mix(lambda, x);
  for (int l = 0; l + 1 < cfg_.layers; ++l) {
    h = torch::addmm(layout_.view(theta, b_[static_cast<size_t>(l)]), h, layout_.view(theta, w_[static_cast<size_t>(l)]));
    h = cfg_.smooth ? torch::tanh(h) : torch::relu(h);
  }
  return h;
}

}  // namespace hcdc::models
