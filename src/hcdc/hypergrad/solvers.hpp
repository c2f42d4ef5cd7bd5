#pragma once
// Inverse-Hessian-vector solvers: z ≈ H⁻¹ b for the Hessian of L_train at a trained θ.
#include <torch/torch.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace hcdc::hypergrad {

enum class SolverKind { kNeumann, kConjugateGradient, kExact };
SolverKind parse_solver_kind(const std::string& name, const std::string& file, const std::string& field);
const char* solver_name(SolverKind k);

struct SolverOptions {
  SolverKind kind = SolverKind::kNeumann;
  int neumann_terms = 20;        // K: number of Neumann terms
  double neumann_alpha = 0.01;   // step α; converges iff 0 < α < 2/λ_max(H) on a positive-definite H
  double cg_tolerance = 1e-10;   // on ‖H z − b‖ / ‖b‖
  int cg_max_iterations = 200;
  std::int64_t exact_max_dim = 4096;  // the exact solve forms H: refuse beyond this |θ|
  int divergence_patience = 3;   // Neumann: consecutive growing terms before giving up
  // Neumann and CG: measure ‖H x − b‖ / ‖b‖ after the solve. It costs one more Hessian-vector
  // product (a sixth of a K = 5 Neumann solve), so the condensation's inner loop turns it off.
  bool measure_residual = true;
};

// Throws InputError naming the setting (file / field prefix for messages) for out-of-range values.
void check_solver_options(const SolverOptions& o, const std::string& file, const std::string& prefix);

struct SolveResult {
  torch::Tensor x;
  double relative_residual = 0;  // ‖H x − b‖ / ‖b‖, measured with one extra product; NaN if not measured
  int iterations = 0;
  double seconds = 0;
};

// The solver stopped because its iterates grew (Neumann with α·λ_max(H) > 2, or H indefinite):
// it reports instead of returning garbage.
class SolverDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using LinearOperator = std::function<torch::Tensor(const torch::Tensor&)>;

SolveResult solve_neumann(const LinearOperator& hvp, const torch::Tensor& b, const SolverOptions& o);
SolveResult solve_cg(const LinearOperator& hvp, const torch::Tensor& b, const SolverOptions& o);
SolveResult solve_exact(const torch::Tensor& hessian, const torch::Tensor& b);

}  // namespace hcdc::hypergrad
