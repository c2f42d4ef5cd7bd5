#pragma once
// The implicit-function hypergradient of a smooth graph model checked against central differences
// of L_val(θ*(λ ± h)), θ* re-optimised by Newton: Adam then Newton to a strict minimum first (both
// asserted), then the exact dense solve. Shared by every model family's IFT test.
#include <gtest/gtest.h>

#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {

// Returns the hypergradient (its `total` was compared with the finite differences).
inline hypergrad::Hypergradient expect_ift_matches_finite_differences(const models::ClassificationProblem& p,
                                                                      const torch::Tensor& theta0,
                                                                      const torch::Tensor& lambda) {
  auto theta = hypergrad::minimize_newton(p, hypergrad::train_theta(p, theta0, lambda, {"adam", 0.05, 0, 500}), lambda,
                                          100, 1e-12);
  hypergrad::SecondOrder so(p, theta, lambda);
  EXPECT_LT(so.grad_theta().norm().item<double>(), 1e-10) << "Newton did not reach a stationary point";
  EXPECT_GT(at::linalg_eigvalsh(so.dense_hessian(), "L").min().item<double>(), 0) << "not at a strict minimum";
  hypergrad::SolverOptions o;
  o.kind = hypergrad::SolverKind::kExact;
  o.cg_tolerance = 1e-13;
  o.cg_max_iterations = 500;
  auto g = hypergrad::hypergradient(p, theta, lambda, o);
  auto fd = torch::zeros_like(lambda);
  const double h = 1e-5;
  for (std::int64_t i = 0; i < lambda.numel(); ++i) {
    auto e = torch::zeros_like(lambda);
    e[i] = h;
    auto loss_at = [&](const torch::Tensor& l) {
      return p.val_loss(hypergrad::minimize_newton(p, theta, l, 60, 1e-12), l).item<double>();
    };
    fd[i] = (loss_at(lambda + e) - loss_at(lambda - e)) / (2 * h);
  }
  EXPECT_LT(rel_err(g.total, fd), 1e-4) << g.total << "\n" << fd;
  EXPECT_GT(g.total.norm().item<double>(), 1e-6) << "a vacuous comparison of zeros";
  return g;
}

}  // namespace hcdc::test
