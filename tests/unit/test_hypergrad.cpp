// Hypergradients against independent oracles: finite differences of the re-optimised validation
// loss, the exact dense solve, and autograd through the solver.
#include <gtest/gtest.h>

#include "hcdc/core/error.hpp"
#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/models/linear_conv_regression.hpp"
#include "hcdc/models/logistic_regression.hpp"
#include "ift_check.hpp"
#include "test_helpers.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

using hypergrad::SolverKind;
using hypergrad::SolverOptions;

SolverOptions solver(SolverKind k) {
  SolverOptions o;
  o.kind = k;
  o.cg_tolerance = 1e-13;
  o.cg_max_iterations = 500;
  return o;
}

struct LinearCase {
  SmallGraph data = small_graph(90, 3, 5, 3);
  std::shared_ptr<models::LogisticRegression> model = std::make_shared<models::LogisticRegression>(5, 3, true);
  models::ClassificationProblem problem{model, {{data.x, nullptr}, data.train, data.y.index_select(0, data.train)},
                                        {{data.x, nullptr}, data.val, data.y.index_select(0, data.val)}};
  torch::Tensor lambda = torch::tensor({-1.0, -0.5, -1.5}, torch::kDouble);
  torch::Tensor theta0 = torch::zeros({model->num_theta()}, torch::kDouble);

  torch::Tensor optimum(const torch::Tensor& lam) const {
    return hypergrad::minimize_newton(problem, theta0, lam, 100, 1e-13);
  }
  double optimised_val_loss(const torch::Tensor& lam) const {
    return problem.val_loss(optimum(lam), lam).item<double>();
  }
};

// Central differences of L*(λ) with θ*(λ ± h) recomputed from scratch.
torch::Tensor finite_difference(const std::function<double(const torch::Tensor&)>& f, const torch::Tensor& lam,
                                double h) {
  auto g = torch::zeros_like(lam);
  for (int64_t i = 0; i < lam.numel(); ++i) {
    auto e = torch::zeros_like(lam);
    e[i] = h;
    g[i] = (f(lam + e) - f(lam - e)) / (2 * h);
  }
  return g;
}

TEST(HypergradLinear, ExactSolveMatchesFiniteDifferences) {
  LinearCase c;
  auto theta = c.optimum(c.lambda);
  auto g = hypergrad::hypergradient(c.problem, theta, c.lambda, solver(SolverKind::kExact));
  auto fd = finite_difference([&](const torch::Tensor& l) { return c.optimised_val_loss(l); }, c.lambda, 1e-4);
  EXPECT_LT(rel_err(g.total, fd), 1e-5) << "IFT " << g.total << "\nFD " << fd;
  EXPECT_GT(g.total.norm().item<double>(), 1e-4);  // not a vacuous comparison of zeros
  EXPECT_EQ(g.direct.norm().item<double>(), 0.0);  // λ does not enter L_val for this family
  EXPECT_LT(g.solve.relative_residual, 1e-10);
}

TEST(HypergradLinear, ConjugateGradientMatchesExact) {
  LinearCase c;
  auto theta = c.optimum(c.lambda);
  auto exact = hypergrad::hypergradient(c.problem, theta, c.lambda, solver(SolverKind::kExact));
  auto cg = hypergrad::hypergradient(c.problem, theta, c.lambda, solver(SolverKind::kConjugateGradient));
  EXPECT_LT(rel_err(cg.total, exact.total), 1e-6);
  EXPECT_LT(cg.solve.relative_residual, 1e-10);
  EXPECT_GT(cg.solve.iterations, 1);
}

TEST(HypergradLinear, NeumannErrorFallsMonotonicallyWithK) {
  LinearCase c;
  auto theta = c.optimum(c.lambda);
  hypergrad::SecondOrder so(c.problem, theta, c.lambda);
  auto eig = at::linalg_eigvalsh(so.dense_hessian(), "L");
  double lmax = eig.max().item<double>(), lmin = eig.min().item<double>();
  ASSERT_GT(lmin, 0);
  std::cout << "Hessian eigenvalues in [" << lmin << ", " << lmax << "], condition " << lmax / lmin << "\n";
  auto exact = hypergrad::hypergradient(c.problem, theta, c.lambda, solver(SolverKind::kExact));
  double prev = 1e300;
  // Stops at K = 80: beyond it the error sits at round-off (≈1e-16) and cannot fall further.
  for (int k : {5, 10, 20, 40, 80}) {
    auto o = solver(SolverKind::kNeumann);
    o.neumann_terms = k;
    o.neumann_alpha = 1.0 / lmax;
    double err = rel_err(hypergrad::hypergradient(c.problem, theta, c.lambda, o).total, exact.total);
    std::cout << "Neumann K=" << k << " relative error " << err << "\n";
    EXPECT_LT(err, prev) << "K=" << k;
    prev = err;
    if (k == 40) EXPECT_LT(err, 1e-3);  // the K stated in the closing note (α = 1/λ_max)
  }
}

TEST(HypergradLinear, DivergenceGuardStopsNeumann) {
  LinearCase c;
  auto theta = c.optimum(c.lambda);
  hypergrad::SecondOrder so(c.problem, theta, c.lambda);
  double lmax = at::linalg_eigvalsh(so.dense_hessian(), "L").max().item<double>();
  auto o = solver(SolverKind::kNeumann);
  o.neumann_alpha = 2.5 / lmax;  // α·λ_max = 2.5 > 2
  o.neumann_terms = 200;
  EXPECT_THROW(hypergrad::hypergradient(c.problem, theta, c.lambda, o), hypergrad::SolverDiverged);
}

TEST(HypergradLinear, AdjointFormEqualsAutogradThroughTheSolve) {
  LinearCase c;
  auto theta = c.optimum(c.lambda);
  // The validation inputs become the variable (as HCDC's S_val).
  auto sval = c.data.x.index_select(0, c.data.val).clone().requires_grad_(true);
  models::ClassificationProblem p(c.model, c.problem.train(), {{sval, nullptr}, {}, c.data.y.index_select(0, c.data.val)});
  auto w = torch::tensor({0.3, -1.2, 0.7}, torch::kDouble);
  auto adj = hypergrad::adjoint_data_gradient(p, theta, c.lambda, w, sval, solver(SolverKind::kExact));

  // Direct: g(S) = ∇_λ L_val − M H⁻¹ ∇_θ L_val(S) built with a dense M and a differentiable solve.
  hypergrad::SecondOrder so(p, theta, c.lambda);
  auto h = so.dense_hessian();
  auto m = torch::zeros({c.lambda.numel(), theta.numel()}, torch::kDouble);
  for (int64_t j = 0; j < theta.numel(); ++j) {
    auto e = torch::zeros_like(theta);
    e[j] = 1;
    m.select(1, j).copy_(so.mixed_times(e));
  }
  auto th = theta.clone().requires_grad_(true);
  auto lam = c.lambda.clone().requires_grad_(true);
  auto gv = torch::autograd::grad({p.val_loss(th, lam)}, {th, lam}, {}, true, true, true);
  auto gl = gv[1].defined() ? gv[1] : torch::zeros_like(lam);
  auto g = gl - m.mv(at::linalg_solve(h, gv[0].unsqueeze(1)).squeeze(1));
  auto direct = torch::autograd::grad({(w * g).sum()}, {sval})[0];
  EXPECT_LT(rel_err(adj.data_grad, direct), 1e-8);
  EXPECT_GT(direct.norm().item<double>(), 1e-6);
}

TEST(HypergradLinear, BadSolverSettingsAreNamed) {
  SolverOptions o;
  o.neumann_alpha = -1;
  expect_input_error([&] { hypergrad::check_solver_options(o, "job.toml", "solver."); }, "solver.neumann_alpha",
                     "> 0");
  o = SolverOptions{};
  o.cg_tolerance = 2;
  expect_input_error([&] { hypergrad::check_solver_options(o, "job.toml", "solver."); }, "solver.cg_tolerance",
                     "(0, 1)");
  LinearCase c;
  auto e = solver(SolverKind::kExact);
  e.exact_max_dim = 4;
  expect_setting_error([&] { hypergrad::hypergradient(c.problem, c.theta0, c.lambda, e); }, "exact_max_dim",
                     "exceeds");
}

TEST(HypergradLinearConvRegression, IftMatchesFiniteDifferences) {
  auto d = small_graph(80, 3, 6, 5);
  // Continuous targets from a planted filter and weights, plus noise.
  torch::manual_seed(0);
  auto w_true = torch::randn({6}, torch::kDouble);
  auto prop = d.ops->apply(models::GraphOp::kGcn, d.x);
  auto y = (0.5 * d.x + 1.0 * prop + 0.3 * d.ops->apply(models::GraphOp::kGcn, prop)).mv(w_true) +
           0.1 * torch::randn({80}, torch::kDouble);
  auto trainval = torch::cat({d.train, d.test});  // more training rows than the 15 of the split
  models::LinearConvRegression p(*d.ops, d.x, y, trainval, d.val, 2, 1e-3);
  auto alpha = torch::tensor({1.0, 0.2, -0.1}, torch::kDouble);
  auto theta = p.solve_theta(alpha);
  auto g = hypergrad::hypergradient(p, theta, alpha, solver(SolverKind::kExact));
  auto fd = finite_difference(
      [&](const torch::Tensor& a) { return p.val_loss(p.solve_theta(a), a).item<double>(); }, alpha, 1e-5);
  EXPECT_LT(rel_err(g.total, fd), 1e-4) << g.total << "\n" << fd;
  EXPECT_GT(g.direct.norm().item<double>(), 0.0);  // α enters L_val: the direct term matters
  auto cg = hypergrad::hypergradient(p, theta, alpha, solver(SolverKind::kConjugateGradient));
  EXPECT_LT(rel_err(cg.total, g.total), 1e-6);
}

TEST(HypergradGraphFilter, IftMatchesFiniteDifferences) {
  auto d = small_graph(40, 2, 3, 11);
  models::GraphFilterConfig cfg;
  cfg.order = 2;
  cfg.layers = 2;
  cfg.hidden = 3;
  cfg.smooth = true;  // ReLU's kinks make L_train non-twice-differentiable: Newton and FD stall there
  auto model = std::make_shared<models::GraphFilterGnn>(3, 2, cfg);
  models::ModelInput in{d.x, d.ops};
  models::ClassificationProblem p(model, {in, d.train, d.y.index_select(0, d.train)},
                                  {in, d.val, d.y.index_select(0, d.val)}, /*weight_decay=*/0.05);
  auto lambda = torch::tensor({0.6, 0.8, 0.3}, torch::kDouble);
  auto g = expect_ift_matches_finite_differences(p, model->init_theta(2, torch::kDouble), lambda);
  EXPECT_GT(g.direct.norm().item<double>(), 0.0);
}

}  // namespace
}  // namespace hcdc::test

namespace hcdc::test {
namespace {

TEST(HypergradMinibatch, FullSizeBatchIsExactAndAveragesApproachTheFullHypergradient) {
  LinearCase c;
  auto theta = c.optimum(c.lambda);
  auto o = solver(SolverKind::kExact);
  auto full = hypergrad::hypergradient(c.problem, theta, c.lambda, o).total;
  const auto n_train = c.problem.train().labels.size(0), n_val = c.problem.val().labels.size(0);
  auto same = hypergrad::hypergradient(c.problem.sample_rows(n_train, n_val, 1), theta, c.lambda, o).total;
  EXPECT_LT(rel_err(same, full), 1e-12);
  auto mean = torch::zeros_like(full);
  double single_err = 0;
  const int draws = 40;
  for (int s = 0; s < draws; ++s) {
    auto g = hypergrad::hypergradient(c.problem.sample_rows(n_train * 3 / 4, n_val / 2, s), theta, c.lambda, o).total;
    single_err += rel_err(g, full) / draws;
    mean += g / draws;
  }
  std::cout << "minibatch: mean single-estimate error " << single_err << ", error of the mean " << rel_err(mean, full) << "\n";
  EXPECT_GT(single_err, 1e-3);                     // the estimates are stochastic
  EXPECT_LT(rel_err(mean, full), single_err / 2);  // and average toward the full-batch hypergradient
}

}  // namespace
}  // namespace hcdc::test
