#include "hcdc/condense/fold_validation.hpp"

#include <chrono>
#include <stdexcept>

#include "hcdc/search/candidate_family.hpp"

namespace hcdc::condense {

torch::Tensor centred_alignment_loss(const torch::Tensor& g_t, const torch::Tensor& g_s) {
  const torch::Tensor a = g_t - g_t.mean(), b = g_s - g_s.mean();
  const torch::Tensor na = a.norm(), nb = b.norm();
  // A constant vector has no direction: no alignment to gain (and no NaN to spread).
  if (na.item<double>() == 0 || nb.item<double>() == 0) return torch::ones({}, g_s.options()) - 0 * g_s.sum();
  return 1 - (a * b).sum() / (na * nb);
}

FoldValidation learn_fold_validation(const search::Candidate& arch, const search::LabelledBlocks& s_train,
                                     const std::vector<search::LabelledBlocks>& folds,
                                     const std::vector<search::LabelledBlocks>& s_val_init, std::int64_t classes,
                                     const FoldValidationOptions& o, std::uint64_t seed) {
  if (folds.size() < 2 || folds.size() != s_val_init.size())
    throw std::invalid_argument("learn_fold_validation: needs one S_val start per fold, at least two folds");
  if (o.trajectories < 1 || o.trajectory_steps < 1 || o.every < 1)
    throw std::invalid_argument("learn_fold_validation: trajectories, trajectory_steps and every must be >= 1");
  auto t0 = std::chrono::steady_clock::now();
  const search::Candidate fixed = search::with_fixed_lambda(arch);
  auto model = search::make_model(fixed, s_train.x.size(-1), classes);
  const auto dt = s_train.x.scalar_type();
  const torch::Tensor lambda = torch::tensor(fixed.lambda, torch::kDouble).to(dt);
  auto loss_on = [&](const torch::Tensor& theta, const torch::Tensor& x, const torch::Tensor& y) {
    return torch::nn::functional::cross_entropy(model->logits(theta, lambda, {x, nullptr}), y);
  };

  FoldValidation out;
  std::vector<torch::Tensor> s_val;
  for (const auto& s : s_val_init) s_val.push_back(s.x.detach().clone().set_requires_grad(true));
  torch::optim::Adam s_opt(s_val, torch::optim::AdamOptions(o.sval_lr));
  const auto m = static_cast<std::int64_t>(folds.size());
  for (int r = 0; r < o.trajectories; ++r) {
    torch::Tensor theta = model->init_theta(seed * 1000003ULL + static_cast<std::uint64_t>(r), dt).set_requires_grad(true);
    torch::optim::Adam t_opt({theta}, torch::optim::AdamOptions(o.theta_lr).weight_decay(o.weight_decay));
    for (int step = 1; step <= o.trajectory_steps; ++step) {
      t_opt.zero_grad();
      loss_on(theta, s_train.x, s_train.y).backward();
      t_opt.step();
      if (step % o.every != 0) continue;
      const torch::Tensor th = theta.detach();
      torch::Tensor g_t = torch::empty({m}, torch::TensorOptions().dtype(dt));
      {
        torch::NoGradGuard ng;
        for (std::int64_t i = 0; i < m; ++i) g_t[i] = loss_on(th, folds[static_cast<std::size_t>(i)].x, folds[static_cast<std::size_t>(i)].y);
      }
      std::vector<torch::Tensor> g_s;
      for (std::int64_t i = 0; i < m; ++i)
        g_s.push_back(loss_on(th, s_val[static_cast<std::size_t>(i)], s_val_init[static_cast<std::size_t>(i)].y));
      s_opt.zero_grad();
      torch::Tensor loss = centred_alignment_loss(g_t, torch::stack(g_s));
      loss.backward();
      s_opt.step();
      out.history.push_back(loss.item<double>());
    }
  }
  for (std::size_t i = 0; i < s_val.size(); ++i) out.s_val.push_back(search::blocks_of(s_val[i].detach(), s_val_init[i].y));
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace hcdc::condense
