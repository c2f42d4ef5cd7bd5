#include "hcdc/models/supernet.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <random>

#include "hcdc/core/error.hpp"

namespace hcdc::models {
namespace {
constexpr std::int64_t kAbsent = -1;
}

std::vector<CellOp> all_cell_ops() {
  return {CellOp::kConv3x3, CellOp::kConv5x5,  CellOp::kSepConv3x3, CellOp::kMaxPool3x3,
          CellOp::kAvgPool3x3, CellOp::kIdentity, CellOp::kZero};
}

const char* cell_op_name(CellOp op) {
  switch (op) {
    case CellOp::kConv1x1: return "conv1x1";
    case CellOp::kConv3x3: return "conv3x3";
    case CellOp::kConv5x5: return "conv5x5";
    case CellOp::kSepConv3x3: return "sepconv3x3";
    case CellOp::kMaxPool3x3: return "maxpool3x3";
    case CellOp::kAvgPool3x3: return "avgpool3x3";
    case CellOp::kIdentity: return "identity";
    default: return "zero";
  }
}

CellOp parse_cell_op(const std::string& name, const std::string& file, const std::string& field) {
  // conv1x1 is not in the default set (all_cell_ops), which older jobs' supernets are made of.
  if (name == cell_op_name(CellOp::kConv1x1)) return CellOp::kConv1x1;
  for (CellOp op : all_cell_ops())
    if (name == cell_op_name(op)) return op;
  throw InputError(file, field,
                   fmt::format("unknown operation '{}' (conv1x1, conv3x3, conv5x5, sepconv3x3, maxpool3x3, avgpool3x3, "
                               "identity, zero)",
                               name));
}

Supernet::Supernet(std::int64_t num_classes, SupernetConfig cfg) : classes_(num_classes), cfg_(std::move(cfg)) {
  if (cfg_.nodes < 2) throw SettingError("nodes", "must be >= 2");
  if (cfg_.ops.empty()) throw SettingError("ops", "must name at least one operation");
  if (cfg_.weighting != "softmax" && cfg_.weighting != "gumbel" && cfg_.weighting != "gdas" && cfg_.weighting != "linear")
    throw SettingError("weighting", "must be softmax, gumbel, gdas or linear");
  if (!(cfg_.gumbel_temperature > 0)) throw SettingError("gumbel_temperature", "must be > 0");
  const auto c = cfg_.channels;
  // Convolution weights are stored as (out, in·k·k) matrices in the layout and reshaped on use.
  stem_w_ = layout_.add(c, cfg_.in_channels * 9);
  stem_b_ = layout_.add(c, 0);
  auto has = [&](CellOp op) { return std::find(cfg_.ops.begin(), cfg_.ops.end(), op) != cfg_.ops.end(); };
  for (std::int64_t e = 0; e < num_edges(); ++e) {
    std::array<std::int64_t, 5> b{kAbsent, kAbsent, kAbsent, kAbsent, kAbsent};
    if (has(CellOp::kConv3x3)) b[0] = layout_.add(c, c * 9);
    if (has(CellOp::kConv5x5)) b[1] = layout_.add(c, c * 25);
    if (has(CellOp::kSepConv3x3)) {
      b[2] = layout_.add(c, 9);
      b[3] = layout_.add(c, c);
    }
    if (has(CellOp::kConv1x1)) b[4] = layout_.add(c, c);
    edge_blocks_.push_back(b);
  }
  if (cfg_.head_grid < 1) throw SettingError("head_grid", "must be >= 1");
  head_w_ = layout_.add(c * cfg_.head_grid * cfg_.head_grid, classes_);
  head_b_ = layout_.add(classes_, 0);
}

torch::Tensor Supernet::init_theta(std::uint64_t seed, torch::Dtype dtype) const { return layout_.glorot(seed, dtype); }

torch::Tensor Supernet::default_lambda(torch::Dtype dtype) const {
  double v = cfg_.weighting == "linear" ? 1.0 / static_cast<double>(cfg_.ops.size()) : 0.0;
  return torch::full({num_lambda()}, v, torch::TensorOptions().dtype(dtype));
}

void Supernet::resample_gumbel(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(1e-12, 1.0);
  std::vector<double> g(static_cast<std::size_t>(num_lambda()));
  for (auto& v : g) v = -std::log(-std::log(u(rng)));
  gumbel_noise_ = torch::tensor(g, torch::kDouble);
}

void Supernet::resample_noise(std::uint64_t seed) {
  if (cfg_.weighting == "gumbel" || cfg_.weighting == "gdas") resample_gumbel(seed);
}

bool Supernet::sample_architecture(double temperature) {
  if (!(temperature > 0)) throw SettingError("gumbel_temperature", "must be > 0");
  cfg_.weighting = "gdas";
  cfg_.gumbel_temperature = temperature;
  return true;
}

torch::Tensor Supernet::edge_weights(const torch::Tensor& lambda) const {
  auto a = lambda.view({num_edges(), static_cast<std::int64_t>(cfg_.ops.size())});
  if (cfg_.weighting == "linear") return a;
  if (cfg_.weighting == "gumbel" || cfg_.weighting == "gdas") {
    if (!gumbel_noise_.defined()) throw std::logic_error("Supernet: resample_gumbel() before use");
    auto g = gumbel_noise_.to(lambda.dtype()).view_as(a);
    auto soft = torch::softmax((a + g) / cfg_.gumbel_temperature, 1);
    if (cfg_.weighting == "gumbel") return soft;
    // GDAS: the forward value is the one-hot sample (hard − soft + soft: exactly 0 off the sample,
    // 1 up to one rounding on it), the gradient is the soft one's (straight-through).
    auto hard = torch::zeros_like(soft).scatter_(1, (a + g).detach().argmax(1, true), 1.0);
    return hard - soft.detach() + soft;
  }
  return torch::softmax(a, 1);
}

torch::Tensor Supernet::stem(const torch::Tensor& theta, const torch::Tensor& x) const {
  if (x.dim() != 4 || x.size(1) != cfg_.in_channels)
    throw SettingError("in_channels",
                     fmt::format("the supernet expects {}-channel images (N×C×H×W), the data has shape {}",
                                 cfg_.in_channels, fmt::format("{}", fmt::join(x.sizes(), "×"))));
  auto w = layout_.view(theta, stem_w_).view({cfg_.channels, cfg_.in_channels, 3, 3});
  return torch::conv2d(x, w, layout_.view(theta, stem_b_), 1, 1);
}

torch::Tensor Supernet::head(const torch::Tensor& theta, const torch::Tensor& state) const {
  return torch::addmm(layout_.view(theta, head_b_), pooled(state), layout_.view(theta, head_w_));
}

torch::Tensor Supernet::apply_op(CellOp op, const torch::Tensor& theta, std::int64_t edge,
                                 const torch::Tensor& x) const {
  const auto c = cfg_.channels;
  const auto& b = edge_blocks_[static_cast<std::size_t>(edge)];
  auto act = [&](const torch::Tensor& t) { return cfg_.smooth ? torch::tanh(t) : torch::relu(t); };
  switch (op) {
    case CellOp::kConv1x1: return torch::conv2d(act(x), layout_.view(theta, b[4]).view({c, c, 1, 1}));
    case CellOp::kConv3x3: return torch::conv2d(act(x), layout_.view(theta, b[0]).view({c, c, 3, 3}), {}, 1, 1);
    case CellOp::kConv5x5: return torch::conv2d(act(x), layout_.view(theta, b[1]).view({c, c, 5, 5}), {}, 1, 2);
    case CellOp::kSepConv3x3: {
      auto dw = torch::conv2d(act(x), layout_.view(theta, b[2]).view({c, 1, 3, 3}), {}, 1, 1, 1, c);
      return torch::conv2d(dw, layout_.view(theta, b[3]).view({c, c, 1, 1}));
    }
    case CellOp::kMaxPool3x3: return torch::max_pool2d(x, 3, 1, 1);
    case CellOp::kAvgPool3x3: return torch::avg_pool2d(x, 3, 1, 1, false, /*count_include_pad=*/false);
    case CellOp::kIdentity: return x;
    default: return torch::zeros_like(x);
  }
}

torch::Tensor Supernet::logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const {
  return head(theta, cell_output(theta, lambda, in.x));
}

torch::Tensor Supernet::embed(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const {
  return pooled(cell_output(theta, lambda, x));
}

torch::Tensor Supernet::pooled(const torch::Tensor& state) const {
  if (cfg_.head_grid == 1) return state.mean({2, 3});
  return torch::adaptive_avg_pool2d(state, {cfg_.head_grid, cfg_.head_grid}).flatten(1);
}

torch::Tensor Supernet::cell_output(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const {
  torch::Tensor w = edge_weights(lambda);
  // With λ fixed (no gradient wanted for it), an operation of weight exactly 0 adds exactly 0 to
  // its node and receives no gradient: leaving it out changes nothing but the cost. (So a GDAS
  // step of θ computes the sampled operation of each edge only; where λ's gradient is wanted every
  // operation is computed, as the straight-through gradient reads every operation's output.)
  std::vector<char> used(static_cast<std::size_t>(w.numel()), 1);
  if (!lambda.requires_grad()) {
    auto wc = w.detach().to(torch::kDouble).contiguous();
    const double* p = wc.data_ptr<double>();
    for (std::size_t k = 0; k < used.size(); ++k) used[k] = p[k] != 0.0;
  }
  const auto num_ops = cfg_.ops.size();
  std::vector<torch::Tensor> states{stem(theta, x)};
  std::int64_t edge = 0;
  for (int j = 1; j < cfg_.nodes; ++j) {
    torch::Tensor sum;
    for (int i = 0; i < j; ++i, ++edge) {
      for (std::size_t o = 0; o < num_ops; ++o) {
        if (cfg_.ops[o] == CellOp::kZero) continue;  // contributes w·0
        if (!used[static_cast<std::size_t>(edge) * num_ops + o]) continue;
        torch::Tensor t = w[edge][static_cast<std::int64_t>(o)] * apply_op(cfg_.ops[o], theta, edge, states[i]);
        sum = sum.defined() ? sum + t : t;
      }
    }
    states.push_back(sum.defined() ? sum : torch::zeros_like(states[0]));
  }
  return states.back();
}

torch::Tensor Supernet::discrete_logits(const torch::Tensor& theta, const std::vector<CellOp>& chosen,
                                        const ModelInput& in) const {
  if (static_cast<std::int64_t>(chosen.size()) != num_edges())
    throw SettingError("architecture", fmt::format("needs one operation per edge ({})", num_edges()));
  std::vector<torch::Tensor> states{stem(theta, in.x)};
  std::int64_t edge = 0;
  for (int j = 1; j < cfg_.nodes; ++j) {
    torch::Tensor sum = torch::zeros_like(states[0]);
    for (int i = 0; i < j; ++i, ++edge) sum = sum + apply_op(chosen[static_cast<std::size_t>(edge)], theta, edge, states[i]);
    states.push_back(sum);
  }
  return head(theta, states.back());
}

}  // namespace hcdc::models
