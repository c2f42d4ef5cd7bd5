#include "hcdc/hypergrad/solvers.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "hcdc/core/error.hpp"

namespace hcdc::hypergrad {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double l2(const torch::Tensor& t) { return t.norm().item<double>(); }

double relative_residual(const LinearOperator& hvp, const torch::Tensor& x, const torch::Tensor& b) {
  double nb = l2(b);
  return nb > 0 ? l2(hvp(x) - b) / nb : l2(hvp(x));
}

}  // namespace

SolverKind parse_solver_kind(const std::string& name, const std::string& file, const std::string& field) {
  if (name == "neumann") return SolverKind::kNeumann;
  if (name == "cg") return SolverKind::kConjugateGradient;
  if (name == "exact") return SolverKind::kExact;
  throw InputError(file, field, fmt::format("unknown solver '{}' (neumann, cg or exact)", name));
}

const char* solver_name(SolverKind k) {
  switch (k) {
    case SolverKind::kNeumann: return "neumann";
    case SolverKind::kConjugateGradient: return "cg";
    default: return "exact";
  }
}

void check_solver_options(const SolverOptions& o, const std::string& file, const std::string& prefix) {
  auto bad = [&](const char* key, const std::string& what) { throw InputError(file, prefix + key, what); };
  if (o.neumann_terms < 1 || o.neumann_terms > 100000) bad("neumann_terms", "must be in [1, 100000]");
  if (!(o.neumann_alpha > 0) || !std::isfinite(o.neumann_alpha)) bad("neumann_alpha", "must be finite and > 0");
  if (!(o.cg_tolerance > 0) || !(o.cg_tolerance < 1)) bad("cg_tolerance", "must be in (0, 1)");
  if (o.cg_max_iterations < 1) bad("cg_max_iterations", "must be >= 1");
  if (o.exact_max_dim < 1) bad("exact_max_dim", "must be >= 1");
  if (o.divergence_patience < 1) bad("divergence_patience", "must be >= 1");
}

SolveResult solve_neumann(const LinearOperator& hvp, const torch::Tensor& b, const SolverOptions& o) {
  // z = α Σ_{k=0..K} (I − αH)^k b; two vectors live at a time.
  auto t0 = std::chrono::steady_clock::now();
  torch::Tensor p = b.detach().clone();
  torch::Tensor acc = p.clone();
  double prev = l2(p), first = prev;
  int growing = 0;
  for (int k = 1; k <= o.neumann_terms; ++k) {
    p = p - o.neumann_alpha * hvp(p);
    acc.add_(p);
    double n = l2(p);
    if (!std::isfinite(n)) throw SolverDiverged(fmt::format("Neumann series: non-finite term at k = {}", k));
    growing = n > prev ? growing + 1 : 0;
    if (growing >= o.divergence_patience && n > first)
      throw SolverDiverged(fmt::format(
          "Neumann series diverges: term norm grew {} times in a row to {:.3g} (from {:.3g}) at k = {}; "
          "α·λ_max(H) > 2 or H is not positive definite: lower neumann_alpha or train θ further",
          growing, n, first, k));
    prev = n;
  }
  SolveResult r;
  r.x = acc * o.neumann_alpha;
  r.iterations = o.neumann_terms;
  r.seconds = seconds_since(t0);
  r.relative_residual = o.measure_residual ? relative_residual(hvp, r.x, b) : std::nan("");
  return r;
}

SolveResult solve_cg(const LinearOperator& hvp, const torch::Tensor& b, const SolverOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  torch::Tensor x = torch::zeros_like(b);
  torch::Tensor r = b.detach().clone();
  torch::Tensor d = r.clone();
  double rr = r.dot(r).item<double>();
  const double stop = o.cg_tolerance * o.cg_tolerance * rr;
  int it = 0;
  while (it < o.cg_max_iterations && rr > stop && rr > 0) {
    torch::Tensor hd = hvp(d);
    double dhd = d.dot(hd).item<double>();
    if (!(dhd > 0))
      throw SolverDiverged(fmt::format("conjugate gradient: non-positive curvature dᵀHd = {:.3g} at iteration {}; "
                                       "H is not positive definite at this θ (train θ further)",
                                       dhd, it));
    double a = rr / dhd;
    x.add_(d, a);
    r.sub_(hd, a);  // r_{k+1} = r_k − a H d_k, from this iteration's d (never a stale one)
    double rr_new = r.dot(r).item<double>();
    d = r + (rr_new / rr) * d;
    rr = rr_new;
    ++it;
  }
  SolveResult res;
  res.x = x;
  res.iterations = it;
  res.seconds = seconds_since(t0);
  res.relative_residual = o.measure_residual ? relative_residual(hvp, x, b) : std::nan("");
  return res;
}

SolveResult solve_exact(const torch::Tensor& hessian, const torch::Tensor& b) {
  auto t0 = std::chrono::steady_clock::now();
  SolveResult r;
  r.x = at::linalg_solve(hessian, b.unsqueeze(1)).squeeze(1);
  r.seconds = seconds_since(t0);
  r.iterations = 1;
  double nb = l2(b);
  double res = l2(hessian.matmul(r.x) - b);
  r.relative_residual = nb > 0 ? res / nb : res;
  if (!std::isfinite(r.relative_residual)) throw SolverDiverged("exact solve: H is singular");
  return r;
}

}  // namespace hcdc::hypergrad
