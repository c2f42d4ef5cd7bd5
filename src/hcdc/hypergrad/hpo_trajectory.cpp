#include "hcdc/hypergrad/hpo_trajectory.hpp"

#include <cmath>

#include "hcdc/core/error.hpp"

namespace hcdc::hypergrad {

void check_hpo_options(const HpoOptions& o) {
  if (o.lambda_every < 1) throw SettingError("lambda_every", "must be >= 1");
  if (!(o.lambda_lr > 0) || !std::isfinite(o.lambda_lr)) throw SettingError("lambda_lr", "must be finite and > 0");
  if (o.warmup < 0) throw SettingError("warmup", "must be >= 0");
  if (o.hypergrad_train_rows < 0 || o.hypergrad_val_rows < 0)
    throw SettingError("hypergrad_train_rows", "minibatch sizes must be >= 0 (0: full batch)");
  if (!(o.max_lambda_step >= 0) || !std::isfinite(o.max_lambda_step))
    throw SettingError("max_lambda_step", "must be finite and >= 0 (0: no clipping)");
}

HpoTrajectory::HpoTrajectory(const BilevelProblem& p, const torch::Tensor& theta0, const torch::Tensor& lambda0,
                             HpoOptions o)
    : p_(p), o_(std::move(o)), theta_(theta0.detach().clone().requires_grad_(true)), lambda_(lambda0.detach().clone()) {
  if (!torch::isfinite(lambda_).all().item<bool>()) throw SettingError("lambda", "non-finite hyperparameter value");
  if (o_.inner.optimizer == "adam")
    opt_ = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{theta_}, torch::optim::AdamOptions(o_.inner.lr));
  else
    opt_ = std::make_unique<torch::optim::SGD>(std::vector<torch::Tensor>{theta_},
                                               torch::optim::SGDOptions(o_.inner.lr).momentum(o_.inner.momentum));
}

bool HpoTrajectory::lambda_step_due() const {
  return t_ >= o_.warmup && (t_ - o_.warmup) % o_.lambda_every == o_.lambda_every - 1;
}

HpoStep HpoTrajectory::step() {
  HpoStep s;
  bool due = lambda_step_due();
  opt_->zero_grad();
  torch::Tensor loss = p_.train_loss(theta_, lambda_);
  loss.backward();
  opt_->step();
  s.train_loss = loss.item<double>();
  ++t_;
  if (due) {
    try {
      std::shared_ptr<const BilevelProblem> mb;
      if (o_.hypergrad_train_rows > 0 || o_.hypergrad_val_rows > 0)
        mb = p_.minibatch(o_.hypergrad_train_rows, o_.hypergrad_val_rows, static_cast<std::uint64_t>(t_));
      if (mb) {
        s.hypergradient = hypergradient(*mb, theta_.detach(), lambda_, o_.solver);
      } else {
        s.hypergradient = hypergradient(p_, theta_.detach(), lambda_, o_.solver);
      }
      if (!torch::isfinite(s.hypergradient.total).all().item<bool>()) throw SolverDiverged("non-finite hypergradient");
      torch::Tensor delta = o_.lambda_lr * s.hypergradient.total;
      double n = delta.norm().item<double>();
      if (o_.max_lambda_step > 0 && n > o_.max_lambda_step) delta = delta * (o_.max_lambda_step / n);
      lambda_ = lambda_ - delta;
      s.lambda_updated = true;
      s.status = "ok";
    } catch (const SolverDiverged& e) {
      s.diverged = true;
      s.status = e.what();
    }
  }
  return s;
}

}  // namespace hcdc::hypergrad
