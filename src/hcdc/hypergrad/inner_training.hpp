#pragma once
// Training θ for fixed λ (the inner problem), with LibTorch's optimisers on the flat θ vector.
#include <torch/torch.h>

#include <string>

#include "hcdc/hypergrad/bilevel_problem.hpp"

namespace hcdc::hypergrad {

struct InnerOptions {
  std::string optimizer = "adam";  // "adam" or "sgd"
  double lr = 0.01;
  double momentum = 0.0;           // sgd only
  int steps = 200;
  // After the optimiser: "newton" finishes θ with minimize_newton (dense Hessian), "none" leaves
  // it, "auto" finishes with Newton when the family is convex in θ and θ is small enough for a
  // dense Hessian (solver.exact_max_dim).
  std::string finish = "auto";
  // The IFT premise check: warn when ‖∇θ L_train‖ > ift_tolerance · ‖∇θ L_val‖ at the θ used.
  double ift_tolerance = 1e-3;
};
void check_inner_options(const InnerOptions& o, const std::string& file, const std::string& prefix);

// Runs o.steps optimiser steps on L_train(·, λ) from θ0; returns the final θ (detached).
torch::Tensor train_theta(const BilevelProblem& p, const torch::Tensor& theta0, const torch::Tensor& lambda,
                          const InnerOptions& o);

// Newton's method with the dense Hessian: converges to the exact minimiser of a strongly convex
// L_train to round-off. Small |θ| only; the oracle for hypergradient tests.
torch::Tensor minimize_newton(const BilevelProblem& p, const torch::Tensor& theta0, const torch::Tensor& lambda,
                              int max_iterations = 50, double gradient_tolerance = 1e-12);

}  // namespace hcdc::hypergrad
