#pragma once
// Hypergradients by the implicit function theorem, with the direct term:
//   g(λ) = ∇_λ L_val − M H⁻¹ ∇_θ L_val,   H = ∂²L_train/∂θ∂θᵀ,  M = ∂²L_train/∂λ∂θᵀ,
// evaluated at a θ that (approximately) minimises L_train(·, λ).
#include <torch/torch.h>

#include "hcdc/hypergrad/bilevel_problem.hpp"
#include "hcdc/hypergrad/second_order.hpp"
#include "hcdc/hypergrad/solvers.hpp"

namespace hcdc::hypergrad {

struct Hypergradient {
  torch::Tensor total;     // g(λ)
  torch::Tensor direct;    // ∇_λ L_val
  torch::Tensor indirect;  // M H⁻¹ ∇_θ L_val (g = direct − indirect)
  torch::Tensor inverse_hvp;  // H⁻¹ ∇_θ L_val
  SolveResult solve;
  double val_loss = 0;
  double seconds = 0;
};

// z ≈ H⁻¹ b with the chosen solver (the exact solve forms H: |θ| ≤ exact_max_dim).
SolveResult inverse_hvp(const SecondOrder& so, const torch::Tensor& b, const SolverOptions& o);

Hypergradient hypergradient(const BilevelProblem& p, const torch::Tensor& theta, const torch::Tensor& lambda,
                            const SolverOptions& o);
// The same at the (θ, λ) of an existing SecondOrder (its L_train graph is reused).
Hypergradient hypergradient(const BilevelProblem& p, const SecondOrder& so, const SolverOptions& o);

// The adjoint form (notes §3): the gradient with respect to `data` — a leaf tensor that enters
// L_val only (HCDC's synthetic validation set) — of wᵀ g(λ), with one solve:
//   z = H⁻¹ Mᵀ w,   ∂(wᵀg)/∂data = ∇_data [ wᵀ ∇_λ L_val − zᵀ ∇_θ L_val ]   (w, z held constant).
struct AdjointGradient {
  torch::Tensor data_grad;
  torch::Tensor z;
  SolveResult solve;
};
AdjointGradient adjoint_data_gradient(const BilevelProblem& p, const torch::Tensor& theta,
                                      const torch::Tensor& lambda, const torch::Tensor& w,
                                      const torch::Tensor& data, const SolverOptions& o);
AdjointGradient adjoint_data_gradient(const BilevelProblem& p, const SecondOrder& so, const torch::Tensor& w,
                                      const torch::Tensor& data, const SolverOptions& o);

}  // namespace hcdc::hypergrad
