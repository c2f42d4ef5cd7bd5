#pragma once
// The linear convolution regression problem of the paper's appendix C.5, with the filter
// coefficients α as hyperparameters:
//   L_train(W, α) = ‖(Σ_k α_k Â^k X W)[train] − y[train]‖² / n_train + ρ ‖W‖²
//   L_val(W, α)   = ‖(Σ_k α_k Â^k X W)[val] − y[val]‖² / n_val
// The ridge ρ > 0 keeps L_train strongly convex in W. The basis Â^k X is computed once.
#include "hcdc/hypergrad/bilevel_problem.hpp"
#include "hcdc/models/graph_operators.hpp"

namespace hcdc::models {

class LinearConvRegression : public hypergrad::BilevelProblem {
 public:
  LinearConvRegression(const GraphOperators& g, const torch::Tensor& x, const torch::Tensor& y,
                       const torch::Tensor& train_idx, const torch::Tensor& val_idx, int order, double ridge);
  torch::Tensor train_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const override;
  torch::Tensor val_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const override;
  std::int64_t num_theta() const override { return features_; }
  std::int64_t num_lambda() const override { return static_cast<std::int64_t>(basis_.size()); }
  // The exact minimiser W*(α) (normal equations): the oracle for finite differences.
  torch::Tensor solve_theta(const torch::Tensor& lambda) const;

 private:
  torch::Tensor predict(const torch::Tensor& w, const torch::Tensor& lambda, const torch::Tensor& idx) const;
  std::vector<torch::Tensor> basis_;  // Â^k X
  torch::Tensor y_, train_, val_;
  std::int64_t features_;
  double ridge_;
};

}  // namespace hcdc::models
