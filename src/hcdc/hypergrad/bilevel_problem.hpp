#pragma once
// The bilevel problem behind every hypergradient:
//   θ*(λ) = argmin_θ L_train(θ, λ),   L*(λ) = L_val(θ*(λ), λ).
// θ and λ are flat 1-D tensors; a model maps them to its parameter shapes with views, so the
// solvers, Hessian-vector products and checkpoints only ever see vectors.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <utility>

namespace hcdc::hypergrad {

class BilevelProblem {
 public:
  virtual ~BilevelProblem() = default;
  virtual torch::Tensor train_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const = 0;
  virtual torch::Tensor val_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const = 0;
  // Both losses from one evaluation where the problem can share it (a full-batch graph model
  // computes every node's logits once for both splits); by default two evaluations.
  virtual std::pair<torch::Tensor, torch::Tensor> losses(const torch::Tensor& theta, const torch::Tensor& lambda) const {
    return {train_loss(theta, lambda), val_loss(theta, lambda)};
  }
  virtual std::int64_t num_theta() const = 0;
  virtual std::int64_t num_lambda() const = 0;
  // A stochastic estimate's problem on `train_rows` / `val_rows` rows drawn without replacement
  // (seeded; 0 keeps a split whole), or null when the problem has no rows to sample.
  virtual std::shared_ptr<const BilevelProblem> minibatch(std::int64_t /*train_rows*/, std::int64_t /*val_rows*/,
                                                          std::uint64_t /*seed*/) const {
    return nullptr;
  }
};

}  // namespace hcdc::hypergrad
