#include "hcdc/condense/hcdc.hpp"

#include <cmath>

#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/models/classification_problem.hpp"

namespace hcdc::condense {

torch::Tensor cosine_distance_grad(const torch::Tensor& a, const torch::Tensor& b) {
  double na = a.norm().item<double>(), nb = b.norm().item<double>();
  if (na == 0 || nb == 0) return torch::zeros_like(b);
  double cos = a.dot(b).item<double>() / (na * nb);
  return -(a / (na * nb) - cos * b / (nb * nb));
}

HcdcLearner::HcdcLearner(HcdcData data, std::vector<search::Candidate> trajectories, std::vector<std::int64_t> owned,
                         torch::Tensor s_val_init, HcdcOptions o, std::uint64_t seed, Reducer reduce)
    : d_(std::move(data)), cands_(std::move(trajectories)), owned_(std::move(owned)), o_(o), seed_(seed),
      reduce_(std::move(reduce)), s_val_(s_val_init.detach().clone().requires_grad_(true)) {
  s_opt_ = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{s_val_}, torch::optim::AdamOptions(o_.sval_lr));
  restart_trajectories();
}

void HcdcLearner::restart_trajectories() {
  trajs_.clear();
  const auto dt = d_.s_train.x.scalar_type();
  for (auto i : owned_) {
    Trajectory tr;
    tr.index = i;
    const auto& c = cands_[static_cast<std::size_t>(i)];
    tr.model = search::make_model(c, d_.s_train.x.size(2), d_.num_classes);
    // A fresh θ_0 per outer iteration and trajectory, the same on every rank count.
    tr.theta = tr.model->init_theta(seed_ * 1000003ULL + static_cast<std::uint64_t>(outer_) * 7919ULL +
                                        static_cast<std::uint64_t>(i),
                                    dt)
                   .requires_grad_(true);
    tr.lambda = torch::tensor(c.lambda, torch::kDouble).to(dt);
    tr.opt = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{tr.theta},
                                                  torch::optim::AdamOptions(o_.theta_lr));
    trajs_.push_back(std::move(tr));
  }
}

double HcdcLearner::contribute(Trajectory& tr, torch::Tensor& grad) {
  models::ClassificationProblem ps(tr.model, {{d_.s_train.x, nullptr}, {}, d_.s_train.y},
                                   {{s_val_, nullptr}, {}, d_.s_val_y}, o_.weight_decay);
  models::ClassificationProblem pt(tr.model, {{d_.t_train.x, nullptr}, {}, d_.t_train.y},
                                   {{d_.t_val.x, nullptr}, {}, d_.t_val.y}, o_.weight_decay);
  torch::Tensor theta = tr.theta.detach();
  try {
    hypergrad::SecondOrder so_s(ps, theta, tr.lambda);
    auto gs = hypergrad::hypergradient(ps, so_s, o_.solver).total;
    auto gt = hypergrad::hypergradient(pt, theta, tr.lambda, o_.solver).total;
    auto w = cosine_distance_grad(gt, gs);
    auto adj = hypergrad::adjoint_data_gradient(ps, so_s, w, s_val_, o_.solver);
    grad.add_(adj.data_grad.detach());
    torch::Tensor delta = o_.lambda_lr * gs;
    double n = delta.norm().item<double>();
    if (o_.max_lambda_step > 0 && n > o_.max_lambda_step) delta = delta * (o_.max_lambda_step / n);
    tr.lambda = tr.lambda - delta;
    double na = gt.norm().item<double>(), nb = gs.norm().item<double>();
    return (na > 0 && nb > 0) ? 1.0 - gt.dot(gs).item<double>() / (na * nb) : 1.0;
  } catch (const hypergrad::SolverDiverged&) {
    ++skipped_;
    return std::nan("");
  }
}

bool HcdcLearner::step() {
  if (finished()) return false;
  const bool lambda_step = t_ % o_.lambda_every == o_.lambda_every - 1;
  for (auto& tr : trajs_) {
    models::ClassificationProblem ps(tr.model, {{d_.s_train.x, nullptr}, {}, d_.s_train.y},
                                     {{d_.s_train.x, nullptr}, {}, d_.s_train.y}, o_.weight_decay);
    tr.opt->zero_grad();
    ps.train_loss(tr.theta, tr.lambda).backward();
    tr.opt->step();
  }
  if (lambda_step) {
    torch::Tensor grad = torch::zeros_like(s_val_);
    // [sum of 1 − cos, number of terms] travels with the gradient in one reduction.
    torch::Tensor stats = torch::zeros({2}, torch::kDouble);
    for (auto& tr : trajs_) {
      double l = contribute(tr, grad);
      if (!std::isnan(l)) {
        stats[0] += l;
        stats[1] += 1;
      }
    }
    reduce_(grad);
    reduce_(stats);
    s_opt_->zero_grad();
    s_val_.mutable_grad() = grad;
    s_opt_->step();
    double count = stats[1].item<double>();
    history_.push_back(count > 0 ? stats[0].item<double>() / count : std::nan(""));
  }
  if (++t_ >= o_.trajectory_steps) {
    t_ = 0;
    ++outer_;
    if (!finished()) restart_trajectories();
  }
  return !finished();
}

double HcdcLearner::alignment_loss(const search::Candidate& c, const torch::Tensor& theta,
                                   const torch::Tensor& lambda) const {
  auto model = search::make_model(c, d_.s_train.x.size(2), d_.num_classes);
  models::ClassificationProblem ps(model, {{d_.s_train.x, nullptr}, {}, d_.s_train.y},
                                   {{s_val_.detach(), nullptr}, {}, d_.s_val_y}, o_.weight_decay);
  models::ClassificationProblem pt(model, {{d_.t_train.x, nullptr}, {}, d_.t_train.y},
                                   {{d_.t_val.x, nullptr}, {}, d_.t_val.y}, o_.weight_decay);
  auto gs = hypergrad::hypergradient(ps, theta, lambda, o_.solver).total;
  auto gt = hypergrad::hypergradient(pt, theta, lambda, o_.solver).total;
  return 1.0 - gt.dot(gs).item<double>() / (gt.norm().item<double>() * gs.norm().item<double>());
}

}  // namespace hcdc::condense
