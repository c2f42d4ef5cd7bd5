#include "hcdc/condense/hcdc.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <sstream>

#include "hcdc/condense/method.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/workers.hpp"
#include "hcdc/hypergrad/fused_adam.hpp"
#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::condense {

namespace {

// A labelled set as a problem's split: rows of feature blocks, or labelled nodes of a graph.
models::LabelledSplit as_split(const search::LabelledBlocks& d) {
  return {{d.x, d.graph}, d.graph ? d.nodes : torch::Tensor(), d.y};
}

// The original data's problem: train on T's train split, validate on T's validation split.
models::ClassificationProblem original_problem(std::shared_ptr<models::ModelFamily> model, const HcdcData& d,
                                               double weight_decay) {
  return models::ClassificationProblem(std::move(model), as_split(d.t_train), as_split(d.t_val), weight_decay);
}

// S_val as a validation split: its rows, or (message passing) its nodes after S_train's in
// s_graph. The concatenation is recorded by autograd, so gradients reach `s_val`.
models::LabelledSplit sval_split(const HcdcData& d, const torch::Tensor& s_val) {
  if (!d.s_graph) return {{s_val, nullptr}, {}, d.s_val_y};
  const auto ct = d.s_train.x.size(0);
  return {{torch::cat({d.s_train.x, s_val}), d.s_graph}, torch::arange(ct, ct + s_val.size(0), torch::kLong), d.s_val_y};
}

// One Adam step of a trajectory's θ on a labelled split (S_train, or T's train split for θ_T).
// `plain_loss` is the split's L_train as ClassificationProblem defines it; families with a
// batched forward (search/batched_training.cpp) take the lean form of the same step at a batch of
// one instead: the mix Σ_k λ_k X_k, which depends on λ and the split only, is kept in `prepared`
// between steps (λ moves every lambda_every steps; the caller clears it then); θ enters as views
// of its weight blocks, so the backward writes each block's gradient once instead of scattering
// every block's into a zero-filled full-size θ; and the weight decay's gradient wd·θ is added
// directly instead of being differentiated through ½·wd·‖θ‖². The same step up to float rounding
// (tests: Condense.TrajectoryThetaFollowsAnIndependentTrainingOnSTrain and the θ_T one).
void theta_step(const models::ModelFamily& model, const search::LabelledBlocks& split, const torch::Tensor& lambda,
                double weight_decay, torch::Tensor& theta, torch::optim::Adam& opt, torch::Tensor& prepared,
                const std::function<torch::Tensor()>& plain_loss) {
  theta.mutable_grad() = torch::Tensor();
  if (!model.batchable() || split.graph || split.x.layout() != torch::kStrided) {
    plain_loss().backward();
    hypergrad::fused_step(opt);  // one pass instead of LibTorch Adam's ten (hypergrad/fused_adam.hpp)
    return;
  }
  if (!prepared.defined()) {
    torch::NoGradGuard no_grad;
    prepared = model.batched_prepare(lambda.unsqueeze(0), {split.x, nullptr});
  }
  std::vector<torch::Tensor> blocks = model.batched_blocks(theta.detach().unsqueeze(0));
  for (auto& b : blocks) {
    // Views, so the blocks read the θ that Adam updates in place; a copy would go stale.
    if (!b.is_alias_of(theta)) throw std::logic_error("theta_step: a weight block is not a view of θ");
    b.requires_grad_(true);
  }
  torch::Tensor loss = torch::nn::functional::cross_entropy(model.batched_logits(blocks, prepared).squeeze(0), split.y);
  std::vector<torch::Tensor> grads = torch::autograd::grad({loss}, blocks);
  for (auto& g : grads) g = g.reshape({-1});
  torch::Tensor g = torch::cat(grads);  // the blocks in layout order: flat θ's order
  if (weight_decay != 0) g.add_(theta.detach(), weight_decay);
  theta.mutable_grad() = g;
  hypergrad::fused_step(opt);
}

}  // namespace

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
  o_.solver.measure_residual = false;  // nothing here reads it; it would cost a product per solve
  s_opt_ = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{s_val_}, torch::optim::AdamOptions(o_.sval_lr));
  restart_trajectories();
}

std::shared_ptr<models::ModelFamily> HcdcLearner::trajectory_model(const search::Candidate& c) const {
  auto model = search::make_model(c, d_.s_train.x.size(-1), d_.num_classes);
  if (o_.architecture_sampling == HcdcOptions::ArchitectureSampling::kGdas &&
      !model->sample_architecture(o_.gdas_temperature))
    throw SettingError("hcdc.architecture_sampling",
                       fmt::format("gdas needs a family whose λ weight discrete architecture choices (image-cell); "
                                   "candidate {} is of family {}",
                                   c.name, c.family));
  return model;
}

void HcdcLearner::restart_trajectories() {
  trajs_.clear();
  const auto dt = d_.s_train.x.scalar_type();
  for (auto i : owned_) {
    Trajectory tr;
    tr.index = i;
    const auto& c = cands_[static_cast<std::size_t>(i)];
    tr.model = trajectory_model(c);
    // A fresh θ_0 per outer iteration and trajectory, the same on every rank count.
    tr.theta = tr.model->init_theta(seed_ * 1000003ULL + static_cast<std::uint64_t>(outer_) * 7919ULL +
                                        static_cast<std::uint64_t>(i),
                                    dt)
                   .requires_grad_(true);
    tr.lambda = torch::tensor(c.lambda, torch::kDouble).to(dt);
    if (o_.architecture_sampling == HcdcOptions::ArchitectureSampling::kGdas) {
      tr.lambda = tr.lambda * o_.gdas_start_logit;  // one-hot → logits
    }
    tr.opt = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{tr.theta},
                                                  torch::optim::AdamOptions(o_.theta_lr));
    if (o_.g_t_theta == GtTheta::kTTrain) {
      tr.theta_t = tr.theta.detach().clone().requires_grad_(true);
      tr.opt_t = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{tr.theta_t},
                                                      torch::optim::AdamOptions(o_.theta_lr));
    }
    trajs_.push_back(std::move(tr));
  }
}

torch::Tensor HcdcLearner::contribute(Trajectory& tr) {
  const auto n = s_val_.numel();
  torch::Tensor row = torch::zeros({n + 2}, s_val_.options().requires_grad(false));
  models::ClassificationProblem ps(tr.model, as_split(d_.s_train), sval_split(d_, s_val_), o_.weight_decay);
  models::ClassificationProblem pt = original_problem(tr.model, d_, o_.weight_decay);
  torch::Tensor theta = tr.theta.detach();
  torch::Tensor theta_for_t = tr.theta_t.defined() ? tr.theta_t.detach() : theta;
  try {
    hypergrad::SecondOrder so_s(ps, theta, tr.lambda);
    auto gs = hypergrad::hypergradient(ps, so_s, o_.solver).total;
    std::shared_ptr<const hypergrad::BilevelProblem> batch;
    if (o_.g_t_train_rows > 0 || o_.g_t_val_rows > 0)
      batch = pt.minibatch(o_.g_t_train_rows, o_.g_t_val_rows,
                           seed_ * 1000003ULL + static_cast<std::uint64_t>(steps_done()) * 7919ULL +
                               static_cast<std::uint64_t>(tr.index));
    auto gt = hypergrad::hypergradient(batch ? *batch : pt, theta_for_t, tr.lambda, o_.solver).total;
    auto w = cosine_distance_grad(gt, gs);
    auto adj = hypergrad::adjoint_data_gradient(ps, so_s, w, s_val_, o_.solver);
    torch::Tensor delta = o_.lambda_lr * gs;
    double nd = delta.norm().item<double>();
    if (o_.max_lambda_step > 0 && nd > o_.max_lambda_step) delta = delta * (o_.max_lambda_step / nd);
    tr.lambda = tr.lambda - delta;
    tr.prepared = tr.prepared_t = torch::Tensor();  // the mixes were of the old λ
    double na = gt.norm().item<double>(), nb = gs.norm().item<double>();
    row.narrow(0, 0, n).copy_(adj.data_grad.detach().reshape({n}));
    row[n] = (na > 0 && nb > 0) ? 1.0 - gt.dot(gs).item<double>() / (na * nb) : 1.0;
    row[n + 1] = 1.0;
  } catch (const hypergrad::SolverDiverged&) {
    // Counted after the reduction (row[n + 1] stays 0), so every rank sees the global count.
  }
  return row;
}

std::string HcdcLearner::serialize_trajectory(std::size_t k) const {
  const Trajectory& tr = trajs_.at(k);
  // "index |tensors| |optimiser| [|θ_T optimiser|]\n" then the parts in that order.
  std::vector<torch::Tensor> tensors{tr.theta.detach(), tr.lambda};
  if (tr.theta_t.defined()) tensors.push_back(tr.theta_t.detach());
  std::ostringstream os, oo, ot;
  torch::save(tensors, os);
  torch::save(*tr.opt, oo);
  if (tr.opt_t) torch::save(*tr.opt_t, ot);
  std::string a = os.str(), b = oo.str(), c = ot.str();
  std::string head = std::to_string(tr.index) + " " + std::to_string(a.size()) + " " + std::to_string(b.size());
  if (tr.opt_t) head += " " + std::to_string(c.size());
  return head + "\n" + a + b + c;
}

void HcdcLearner::restore_trajectory(std::size_t k, const std::string& blob) {
  Trajectory& tr = trajs_.at(k);
  auto nl = blob.find('\n');
  std::istringstream hs(blob.substr(0, nl));
  std::int64_t index = 0;
  std::size_t la = 0, lb = 0, lc = 0;
  hs >> index >> la >> lb;
  const bool has_t = static_cast<bool>(hs >> lc);
  if (index != tr.index) throw std::logic_error("checkpoint trajectory order mismatch");
  // The job config (and so g_t_theta) is part of the checkpoint's digest: a mismatch is a bug.
  if (has_t != tr.theta_t.defined()) throw std::logic_error("checkpoint trajectory lacks or has an unexpected θ_T");
  std::istringstream is(blob.substr(nl + 1, la)), io(blob.substr(nl + 1 + la, lb));
  std::vector<torch::Tensor> v;
  torch::load(v, is);
  {
    torch::NoGradGuard ng;
    tr.theta.copy_(v.at(0));
    if (has_t) tr.theta_t.copy_(v.at(2));
  }
  tr.lambda = v.at(1).clone();
  tr.prepared = tr.prepared_t = torch::Tensor();
  torch::load(*tr.opt, io);
  if (has_t) {
    std::istringstream it(blob.substr(nl + 1 + la + lb, lc));
    torch::load(*tr.opt_t, it);
  }
}

torch::Tensor HcdcLearner::trajectory_theta(std::size_t k, bool on_t) const {
  const Trajectory& tr = trajs_.at(k);
  if (on_t && !tr.theta_t.defined()) throw std::logic_error("trajectory_theta: no θ_T (g_t_theta is s_train)");
  return (on_t ? tr.theta_t : tr.theta).detach();
}

std::string HcdcLearner::serialize_sval_optimizer() const {
  std::ostringstream os;
  torch::save(*s_opt_, os);
  return os.str();
}

void HcdcLearner::restore(const torch::Tensor& s_val, const std::string& sval_optimizer, int outer, int t,
                          std::vector<double> history, int skipped) {
  outer_ = outer;
  t_ = t;
  history_ = std::move(history);
  skipped_ = skipped;
  restart_trajectories();  // the owned set for this outer iteration; their state is restored next
  {
    torch::NoGradGuard ng;
    s_val_.copy_(s_val.to(s_val_.scalar_type()).view_as(s_val_));
  }
  std::istringstream is(sval_optimizer);
  torch::load(*s_opt_, is);
}

bool HcdcLearner::step() {
  if (finished()) return false;
  const bool lambda_step = t_ % o_.lambda_every == o_.lambda_every - 1;
  // Trajectories are independent until their contributions are reduced (in trajectory order), so
  // they advance on worker threads (core/workers.hpp): the same arithmetic for any thread count.
  run_on_workers(trajs_.size(), [&](std::size_t k) {
    Trajectory& tr = trajs_[k];
    // A fresh architecture draw per step (GDAS; nothing for deterministic families), from the step's
    // coordinates only, so a resumed run and any rank count draw the same; the S_val step below
    // takes its hypergradients at this same draw.
    tr.model->resample_noise(seed_ * 1000003ULL + static_cast<std::uint64_t>(outer_) * 104729ULL +
                             static_cast<std::uint64_t>(t_) * 7919ULL + static_cast<std::uint64_t>(tr.index));
    // The optimiser objects, and so the checkpoints that hold them, are LibTorch's.
    theta_step(*tr.model, d_.s_train, tr.lambda, o_.weight_decay, tr.theta, *tr.opt, tr.prepared, [&] {
      return models::ClassificationProblem(tr.model, as_split(d_.s_train), as_split(d_.s_train), o_.weight_decay)
          .train_loss(tr.theta, tr.lambda);
    });
    if (tr.opt_t)
      theta_step(*tr.model, d_.t_train, tr.lambda, o_.weight_decay, tr.theta_t, *tr.opt_t, tr.prepared_t,
                 [&] { return original_problem(tr.model, d_, o_.weight_decay).train_loss(tr.theta_t, tr.lambda); });
  });
  if (lambda_step) {
    std::vector<torch::Tensor> rows(trajs_.size());
    run_on_workers(trajs_.size(), [&](std::size_t k) { rows[k] = contribute(trajs_[k]); });
    Contributions mine;
    for (std::size_t k = 0; k < trajs_.size(); ++k) mine.emplace_back(trajs_[k].index, rows[k]);
    torch::Tensor total = reduce_(static_cast<std::int64_t>(cands_.size()), mine);
    const auto n = s_val_.numel();
    s_opt_->zero_grad();
    s_val_.mutable_grad() = total.narrow(0, 0, n).reshape(s_val_.sizes()).clone();
    s_opt_->step();
    double count = total[n + 1].item<double>();
    skipped_ += static_cast<int>(cands_.size()) - static_cast<int>(std::llround(count));
    history_.push_back(count > 0 ? total[n].item<double>() / count : std::nan(""));
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
  auto model = trajectory_model(c);
  model->resample_noise(seed_);  // one fixed draw (GDAS)
  models::ClassificationProblem ps(model, as_split(d_.s_train), sval_split(d_, s_val_.detach()), o_.weight_decay);
  models::ClassificationProblem pt = original_problem(model, d_, o_.weight_decay);
  auto gs = hypergrad::hypergradient(ps, theta, lambda, o_.solver).total;
  auto gt = hypergrad::hypergradient(pt, theta, lambda, o_.solver).total;
  return 1.0 - gt.dot(gs).item<double>() / (gt.norm().item<double>() * gs.norm().item<double>());
}

namespace {
CondensationMethod hcdc_method() {
  CondensationMethod m;
  m.help = "S_val learned so that hypergradients on S align with those on the original data";
  m.images = true;
  m.learns_validation = true;  // its options are the experiment's [hcdc] section (the driver reads them)
  return m;
}
}  // namespace

HCDC_REGISTER(methods(), "hcdc", 70, hcdc_method());

}  // namespace hcdc::condense
