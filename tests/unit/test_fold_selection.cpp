// Fold selection's HCDC (condense/fold_validation.hpp): the centred alignment loss against its
// closed form and finite differences, and the learner on folds whose difficulty is known (label
// noise set per fold), where the learned S_val^i must rank the folds as their true losses do.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <numeric>

#include "hcdc/condense/fold_validation.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc {
namespace {

double closed_form(const std::vector<double>& t, const std::vector<double>& s) {
  const double mt = std::accumulate(t.begin(), t.end(), 0.0) / static_cast<double>(t.size());
  const double ms = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
  double dot = 0, nt = 0, ns = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    dot += (t[i] - mt) * (s[i] - ms);
    nt += (t[i] - mt) * (t[i] - mt);
    ns += (s[i] - ms) * (s[i] - ms);
  }
  return 1 - dot / std::sqrt(nt * ns);
}

TEST(FoldValidation, CentredAlignmentLossIsItsClosedFormWithFiniteDifferenceGradient) {
  const std::vector<double> t{0.9, 0.4, 1.3, 0.7, 0.2}, s{2.0, 1.1, 1.9, 2.6, 0.5};
  auto gt = torch::tensor(t, torch::kDouble), gs = torch::tensor(s, torch::kDouble).set_requires_grad(true);
  auto loss = condense::centred_alignment_loss(gt, gs);
  EXPECT_NEAR(loss.item<double>(), closed_form(t, s), 1e-14);
  loss.backward();
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto up = s, down = s;
    const double h = 1e-6;
    up[i] += h;
    down[i] -= h;
    EXPECT_NEAR(gs.grad()[static_cast<std::int64_t>(i)].item<double>(), (closed_form(t, up) - closed_form(t, down)) / (2 * h),
                1e-8);
  }
  // Only the differences between folds count: a shift or a positive scale of either changes nothing;
  // the same order with a flipped sign is the worst alignment.
  auto shifted = condense::centred_alignment_loss(gt * 3 + 7, torch::tensor(s, torch::kDouble) - 4);
  EXPECT_NEAR(shifted.item<double>(), closed_form(t, s), 1e-12);
  EXPECT_NEAR(condense::centred_alignment_loss(gt, -gt).item<double>(), 2.0, 1e-12);
  EXPECT_NEAR(condense::centred_alignment_loss(gt, gt).item<double>(), 0.0, 1e-12);
  // A constant vector has no direction: loss 1, a zero gradient, no NaN.
  auto flat = torch::full({5}, 0.3, torch::kDouble).set_requires_grad(true);
  auto l = condense::centred_alignment_loss(gt, flat);
  EXPECT_EQ(l.item<double>(), 1.0);
  l.backward();
  EXPECT_TRUE(torch::equal(flat.grad(), torch::zeros({5}, torch::kDouble)));
}

TEST(FoldValidation, LearnedValidationSetsRankFoldsOfKnownDifficulty) {
  // Two classes of 1×4×4 images, class means ±0.8 per pixel. Fold i's labels are flipped for a
  // share p_i of its images, so its loss under any model that learned the classes grows with p_i.
  const int m = 5;
  const std::vector<double> noise{0.0, 0.3, 0.1, 0.4, 0.2};
  torch::manual_seed(0);
  auto make = [](std::int64_t n, double flip, std::int64_t seed) {
    torch::manual_seed(static_cast<std::uint64_t>(seed));
    auto y = torch::arange(n, torch::kLong) % 2;
    auto x = torch::randn({n, 1, 4, 4}, torch::kDouble) + (y.to(torch::kDouble) * 1.6 - 0.8).view({n, 1, 1, 1});
    auto flipped = torch::rand({n}, torch::kDouble) < flip;
    return search::blocks_of(x, torch::where(flipped, 1 - y, y));
  };
  const auto s_train = make(16, 0.0, 100);
  std::vector<search::LabelledBlocks> folds, starts;
  for (int i = 0; i < m; ++i) {
    folds.push_back(make(200, noise[static_cast<std::size_t>(i)], 10 + i));
    // Every fold starts from (nearly) the same clean images: any ranking they end with is learned.
    auto st = make(6, 0.0, 50);
    st.x = st.x + 0.01 * torch::randn(st.x.sizes(), torch::kDouble);
    starts.push_back(st);
  }
  search::SearchSpaceSpec space;
  space.kind = "cell";
  space.family = "image-cell";
  space.num_candidates = 2;
  space.cell_nodes = 3;
  space.widths = {4};
  space.cell_ops = {"zero", "conv3x3"};
  space.seed = 1;
  auto arch = search::make_candidates(space).front();
  condense::FoldValidationOptions o;
  o.trajectories = 4;
  o.trajectory_steps = 40;
  o.every = 2;
  o.sval_lr = 0.1;
  auto learned = condense::learn_fold_validation(arch, s_train, folds, starts, 2, o, 7);
  ASSERT_EQ(learned.s_val.size(), static_cast<std::size_t>(m));
  ASSERT_EQ(learned.history.size(), 4u * 20u);
  const double first = std::accumulate(learned.history.begin(), learned.history.begin() + 5, 0.0) / 5;
  const double last = std::accumulate(learned.history.end() - 5, learned.history.end(), 0.0) / 5;
  EXPECT_LT(last, first);
  // A fresh model trained on S_train (a seed no trajectory used) ranks the folds by their learned
  // S_val^i's loss like it ranks them by their true loss.
  auto fixed = search::with_fixed_lambda(arch);
  auto model = search::make_model(fixed, 4, 2);
  auto lambda = torch::tensor(fixed.lambda, torch::kDouble);
  auto theta = model->init_theta(999, torch::kDouble).set_requires_grad(true);
  torch::optim::Adam opt({theta}, torch::optim::AdamOptions(0.01));
  for (int k = 0; k < 40; ++k) {
    opt.zero_grad();
    torch::nn::functional::cross_entropy(model->logits(theta, lambda, {s_train.x, nullptr}), s_train.y).backward();
    opt.step();
  }
  torch::NoGradGuard ng;
  std::vector<double> true_loss, proxy_loss;
  for (int i = 0; i < m; ++i) {
    const auto k = static_cast<std::size_t>(i);
    true_loss.push_back(
        torch::nn::functional::cross_entropy(model->logits(theta, lambda, {folds[k].x, nullptr}), folds[k].y).item<double>());
    proxy_loss.push_back(torch::nn::functional::cross_entropy(model->logits(theta, lambda, {learned.s_val[k].x, nullptr}),
                                                              learned.s_val[k].y)
                             .item<double>());
  }
  EXPECT_GT(search::spearman_rho(true_loss, noise), 0.85);  // the premise: the folds' losses follow their noise
  EXPECT_GT(search::spearman_rho(proxy_loss, true_loss), 0.85);
}

}  // namespace
}  // namespace hcdc
