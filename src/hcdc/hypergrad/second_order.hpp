#pragma once
// Second-order products of L_train at one (θ, λ), by double backprop; nothing |θ|×|θ| is formed.
// The graph of ∇_θ L_train is built once and reused by every product (retain_graph), and each
// product returns a detached vector, so an iterative solver's memory does not grow with its
// iteration count.
#include <torch/torch.h>

#include "hcdc/hypergrad/bilevel_problem.hpp"

namespace hcdc::hypergrad {

class SecondOrder {
 public:
  // with_val_loss: also evaluate L_val at (θ, λ) from the same evaluation where the problem shares
  // one (BilevelProblem::losses), for the hypergradient's ∇L_val without a second forward.
  // with_mixed_t: also build ∇_λ L_train's graph, which only mixed_t_times reads (the adjoint data
  // gradient); without it the first backward stops at θ and skips the λ branch (for a decoupled
  // filter a product as large as the first layer's and a pass over every feature block).
  SecondOrder(const BilevelProblem& p, const torch::Tensor& theta, const torch::Tensor& lambda,
              bool with_val_loss = false, bool with_mixed_t = true);

  torch::Tensor hvp(const torch::Tensor& v) const;           // H v,  H = ∂²L_train/∂θ∂θᵀ
  torch::Tensor mixed_times(const torch::Tensor& z) const;   // M z,  M = ∂²L_train/∂λ∂θᵀ (|λ|×|θ|)
  torch::Tensor mixed_t_times(const torch::Tensor& w) const; // Mᵀ w (|θ|); needs with_mixed_t
  torch::Tensor dense_hessian() const;                       // for the exact solver (small θ only)

  const torch::Tensor& theta() const { return theta_; }  // leaf copies that require grad
  const torch::Tensor& lambda() const { return lambda_; }
  const torch::Tensor& grad_theta() const { return g_theta_; }  // ∇_θ L_train, with graph
  const torch::Tensor& val_loss() const { return val_loss_; }     // with graph; undefined unless asked

 private:
  torch::Tensor theta_, lambda_, g_theta_, g_lambda_, val_loss_;
  bool with_mixed_t_;
};

}  // namespace hcdc::hypergrad
