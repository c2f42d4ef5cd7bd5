#pragma once
// One HPO trajectory (Algorithm 1, lines 3–7): θ takes an optimiser step on L_train every step,
// and every `lambda_every` steps λ takes a step along −g(λ), the IFT hypergradient at the
// current θ. HCDC walks many of these (the extended search space); `hcdc hpo` walks one.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "hcdc/hypergrad/bilevel_problem.hpp"
#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/hypergrad/solvers.hpp"

namespace hcdc::hypergrad {

struct HpoOptions {
  InnerOptions inner;          // θ optimiser; inner.steps = T_θ, the trajectory length
  int lambda_every = 10;       // T_λ
  double lambda_lr = 0.1;      // η_λ
  int warmup = 0;              // θ steps before the first λ step
  double max_lambda_step = 0;  // > 0: clip ‖Δλ‖ to this (hypergradients at an unconverged θ can be
                               // large and noisy; a bounded step keeps the trajectory stable)
  SolverOptions solver;
  // > 0: stochastic hypergradients from this many training / validation rows per λ step
  // (ClassificationProblem only); 0: full batch.
  std::int64_t hypergrad_train_rows = 0, hypergrad_val_rows = 0;
};
// The [hpo] settings' own checks (SettingError naming the setting); the inner training and solver
// options are checked where they are read (check_inner_options, check_solver_options).
void check_hpo_options(const HpoOptions& o);

struct HpoStep {
  bool lambda_updated = false;
  bool diverged = false;       // the solver gave up: λ kept, status says why
  std::string status;
  double train_loss = 0;
  Hypergradient hypergradient;  // defined when a λ step was attempted and succeeded
};

class HpoTrajectory {
 public:
  HpoTrajectory(const BilevelProblem& p, const torch::Tensor& theta0, const torch::Tensor& lambda0, HpoOptions o);
  HpoStep step();
  bool finished() const { return t_ >= o_.inner.steps; }
  int t() const { return t_; }
  const torch::Tensor& theta() const { return theta_; }
  const torch::Tensor& lambda() const { return lambda_; }
  // Is a λ step due at the current t (before step() runs)?
  bool lambda_step_due() const;

 private:
  const BilevelProblem& p_;
  HpoOptions o_;
  torch::Tensor theta_, lambda_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
  int t_ = 0;
};

}  // namespace hcdc::hypergrad
