#include "hcdc/models/model_family.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

namespace hcdc::models {

torch::Tensor ModelFamily::penalty(const torch::Tensor& theta, const torch::Tensor&) const {
  return torch::zeros({}, theta.options());
}

torch::Tensor ModelFamily::batched_logits(const torch::Tensor&, const torch::Tensor&, const ModelInput&) const {
  throw std::logic_error(name() + " has no batched forward (batchable() is false)");
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

torch::Tensor ParameterLayout::view_batched(const torch::Tensor& thetas, std::int64_t block) const {
  const Block& b = blocks_.at(static_cast<std::size_t>(block));
  torch::Tensor flat = thetas.narrow(1, b.offset, b.rows * (b.cols > 0 ? b.cols : 1));
  return b.cols > 0 ? flat.view({thetas.size(0), b.rows, b.cols}) : flat.view({thetas.size(0), 1, b.rows});
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
