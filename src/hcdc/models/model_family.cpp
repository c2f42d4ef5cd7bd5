#include "hcdc/models/model_family.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

#include "hcdc/models/sparse_matrix.hpp"

namespace hcdc::models {

torch::Tensor ModelInput::x_times(const torch::Tensor& w) const {
  return sparse_x && sparse_x->coo().is_same(x) ? sparse_x->times(w) : torch::mm(x, w);
}

torch::Tensor ModelFamily::penalty(const torch::Tensor& theta, const torch::Tensor&) const {
  return torch::zeros({}, theta.options());
}

namespace {
[[noreturn]] void not_batchable(const std::string& family) {
  throw std::logic_error(family + " has no batched forward (batchable() is false)");
}
}  // namespace

torch::Tensor ModelFamily::batched_prepare(const torch::Tensor&, const ModelInput&) const { not_batchable(name()); }
std::vector<torch::Tensor> ModelFamily::batched_blocks(const torch::Tensor&) const { not_batchable(name()); }
torch::Tensor ModelFamily::batched_logits(const std::vector<torch::Tensor>&, const torch::Tensor&) const {
  not_batchable(name());
}

std::int64_t ParameterLayout::add(std::int64_t rows, std::int64_t cols) {
  blocks_.push_back({total_, rows, cols});
  total_ += rows * (cols > 0 ? cols : 1);
  return static_cast<std::int64_t>(blocks_.size()) - 1;
}

torch::Tensor ParameterLayout::view(const torch::Tensor& theta, std::int64_t block) const {
  const Block& b = blocks_.at(static_cast<std::size_t>(block));
  torch::Tensor flat = theta.narrow(0, b.offset, b.rows * (b.cols > 0 ? b.cols : 1));
  return b.cols > 0 ? flat.view({b.rows, b.cols}) : flat;
}

std::vector<torch::Tensor> ParameterLayout::split_batched(const torch::Tensor& thetas) const {
  std::vector<torch::Tensor> out;
  for (const Block& b : blocks_) {
    torch::Tensor flat = thetas.narrow(1, b.offset, b.rows * (b.cols > 0 ? b.cols : 1));
    out.push_back((b.cols > 0 ? flat.reshape({thetas.size(0), b.rows, b.cols}) : flat.reshape({thetas.size(0), 1, b.rows}))
                      .contiguous());
  }
  return out;
}

torch::Tensor ParameterLayout::glorot(std::uint64_t seed, torch::Dtype dtype) const {
  std::mt19937_64 rng(seed);
  std::vector<double> v(static_cast<std::size_t>(total_), 0.0);
  for (const Block& b : blocks_) {
    if (b.cols == 0) continue;
    double limit = std::sqrt(6.0 / static_cast<double>(b.rows + b.cols));
    std::uniform_real_distribution<double> u(-limit, limit);
    for (std::int64_t i = 0; i < b.rows * b.cols; ++i) v[static_cast<std::size_t>(b.offset + i)] = u(rng);
  }
  return torch::tensor(v, torch::kDouble).to(dtype);
}

}  // namespace hcdc::models
