#include "hcdc/hypergrad/hypergradient.hpp"

#include <fmt/format.h>

#include <chrono>

#include "hcdc/core/error.hpp"

namespace hcdc::hypergrad {
namespace {

// ∇_θ L_val and ∇_λ L_val at SecondOrder's (θ, λ), from its L_val where it kept one (the forward
// shared with L_train); `create_graph` keeps them differentiable (adjoint form). The kept graph is
// retained, so a later call can differentiate it again.
std::pair<torch::Tensor, torch::Tensor> val_gradients(const BilevelProblem& p, const SecondOrder& so, bool create_graph,
                                                      double* loss_out = nullptr) {
  const torch::Tensor& theta = so.theta();
  const torch::Tensor& lambda = so.lambda();
  const bool kept = so.val_loss().defined();
  torch::Tensor loss = kept ? so.val_loss() : p.val_loss(theta, lambda);
  if (loss_out) *loss_out = loss.item<double>();
  auto g = torch::autograd::grad({loss}, {theta, lambda}, {}, /*retain_graph=*/create_graph || kept, create_graph,
                                 /*allow_unused=*/true);
  torch::Tensor gt = g[0].defined() ? g[0] : torch::zeros_like(theta);
  torch::Tensor gl = g[1].defined() ? g[1] : torch::zeros_like(lambda);
  return {gt, gl};
}

}  // namespace

SolveResult inverse_hvp(const SecondOrder& so, const torch::Tensor& b, const SolverOptions& o) {
  LinearOperator h = [&](const torch::Tensor& v) { return so.hvp(v); };
  switch (o.kind) {
    case SolverKind::kNeumann: return solve_neumann(h, b, o);
    case SolverKind::kConjugateGradient: return solve_cg(h, b, o);
    case SolverKind::kExact:
      if (so.theta().numel() > o.exact_max_dim)
        throw SettingError("exact_max_dim",
                         fmt::format("the exact solve forms a {0}×{0} Hessian; |θ| = {0} exceeds exact_max_dim = {1} "
                                     "(use neumann or cg)",
                                     so.theta().numel(), o.exact_max_dim));
      return solve_exact(so.dense_hessian(), b);
  }
  throw std::logic_error("unknown solver");
}

Hypergradient hypergradient(const BilevelProblem& p, const torch::Tensor& theta, const torch::Tensor& lambda,
                            const SolverOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  SecondOrder so(p, theta, lambda, /*with_val_loss=*/true, /*with_mixed_t=*/false);  // g reads M z only
  Hypergradient g = hypergradient(p, so, o);
  g.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

Hypergradient hypergradient(const BilevelProblem& p, const SecondOrder& so, const SolverOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  Hypergradient g;
  auto [g_theta, g_lambda] = val_gradients(p, so, false, &g.val_loss);
  g.direct = g_lambda.detach();
  g.solve = inverse_hvp(so, g_theta.detach(), o);
  g.inverse_hvp = g.solve.x;
  g.indirect = so.mixed_times(g.inverse_hvp);
  g.total = g.direct - g.indirect;
  g.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

AdjointGradient adjoint_data_gradient(const BilevelProblem& p, const torch::Tensor& theta,
                                      const torch::Tensor& lambda, const torch::Tensor& w,
                                      const torch::Tensor& data, const SolverOptions& o) {
  return adjoint_data_gradient(p, SecondOrder(p, theta, lambda, /*with_val_loss=*/true), w, data, o);
}

AdjointGradient adjoint_data_gradient(const BilevelProblem& p, const SecondOrder& so, const torch::Tensor& w,
                                      const torch::Tensor& data, const SolverOptions& o) {
  AdjointGradient a;
  a.solve = inverse_hvp(so, so.mixed_t_times(w), o);
  a.z = a.solve.x;
  auto [g_theta, g_lambda] = val_gradients(p, so, /*create_graph=*/true);
  torch::Tensor s = (w.detach() * g_lambda).sum() - (a.z * g_theta).sum();
  auto d = torch::autograd::grad({s}, {data}, {}, false, false, /*allow_unused=*/true)[0];
  a.data_grad = d.defined() ? d : torch::zeros_like(data);
  return a;
}

}  // namespace hcdc::hypergrad
