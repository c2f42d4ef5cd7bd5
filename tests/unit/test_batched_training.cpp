// Batched candidate training (search/batched_training.hpp) against training each candidate alone.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/search/batched_training.hpp"

namespace hcdc::test {
namespace {

// Feature blocks whose class means differ, so training moves every candidate far from its start.
search::LabelledBlocks blocks(std::int64_t n, std::int64_t classes, std::uint64_t seed, torch::Dtype dt) {
  torch::manual_seed(seed);
  torch::Tensor y = torch::randint(classes, {n}, torch::kLong);
  torch::Tensor means = torch::randn({classes, 3, 5}, torch::kDouble);
  torch::Tensor x = means.index_select(0, y) + 0.8 * torch::randn({n, 3, 5}, torch::kDouble);
  return search::blocks_of(x.to(dt), y);
}

std::vector<search::Candidate> candidates() {
  std::vector<search::Candidate> c;
  const std::vector<std::vector<double>> lambdas{{1, 0, 0}, {0.2, 0.5, -0.3}, {-1, 0.4, 0.9}, {0.3, 0.3, 0.3},
                                                 {0, 0, 1},  {0.7, -0.6, 0.1}};
  for (std::size_t i = 0; i < lambdas.size(); ++i) c.push_back({"c" + std::to_string(i), "decoupled-filter", lambdas[i], 8, 2});
  c.push_back({"wide", "decoupled-filter", {0.5, 0.5, 0}, 12, 2});  // another shape
  c.push_back({"deep", "decoupled-filter", {0.5, 0, 0.5}, 8, 3});
  return c;
}

std::vector<search::TrainJob> every_candidate_and_seed(std::size_t n, int seeds) {
  std::vector<search::TrainJob> jobs;
  for (std::size_t c = 0; c < n; ++c)
    for (int s = 0; s < seeds; ++s) jobs.push_back({c, static_cast<std::uint64_t>(s)});
  return jobs;
}

TEST(BatchedTraining, MixOfBlocksIsTheWeightedSumWithItsGradients) {
  // mix_blocks against einsum's Σ_k λ_k X_k (float64), one λ and a stack of them: the value, and
  // the gradients with respect to λ and to X (S_val's rows are learned through X).
  torch::manual_seed(3);
  torch::Tensor x = torch::randn({6, 3, 5}, torch::kDouble).requires_grad_(true);
  torch::Tensor gout = torch::randn({6, 5}, torch::kDouble);
  for (bool batched : {false, true}) {
    torch::Tensor lambda = (batched ? torch::randn({4, 3}, torch::kDouble) : torch::randn({3}, torch::kDouble))
                               .requires_grad_(true);
    torch::Tensor mine = models::mix_blocks(x, lambda);
    torch::Tensor oracle = batched ? torch::einsum("nkf,bk->bnf", {x, lambda}) : torch::einsum("nkf,k->nf", {x, lambda});
    ASSERT_EQ(mine.sizes(), oracle.sizes()) << batched;
    EXPECT_TRUE(torch::allclose(mine, oracle, 1e-14, 1e-14)) << batched;
    torch::Tensor g = batched ? gout.unsqueeze(0).expand_as(mine) : gout;
    auto a = torch::autograd::grad({(mine * g).sum()}, {lambda, x});
    auto b = torch::autograd::grad({(oracle * g).sum()}, {lambda, x});
    EXPECT_TRUE(torch::allclose(a[0], b[0], 1e-13, 1e-13)) << "∂/∂λ, batched " << batched;
    EXPECT_TRUE(torch::allclose(a[1], b[1], 1e-13, 1e-13)) << "∂/∂X, batched " << batched;
  }
}

TEST(BatchedTraining, BatchedForwardEqualsEachCandidatesForward) {
  models::DecoupledConfig cfg;
  cfg.features = 5;
  cfg.hidden = 7;
  cfg.layers = 3;
  models::DecoupledFilter model(4, cfg);
  auto data = blocks(9, 4, 1, torch::kDouble);
  std::vector<torch::Tensor> th, la;
  for (std::uint64_t s = 0; s < 4; ++s) {
    th.push_back(model.init_theta(s, torch::kDouble) + 0.1 * torch::randn({model.num_theta()}, torch::kDouble));
    la.push_back(torch::randn({3}, torch::kDouble));
  }
  torch::Tensor batched =
      model.batched_logits(model.batched_blocks(torch::stack(th)), model.batched_prepare(torch::stack(la), {data.x, nullptr}));
  ASSERT_EQ(batched.sizes(), (std::vector<std::int64_t>{4, 9, 4}));
  for (std::int64_t b = 0; b < 4; ++b) {
    torch::Tensor alone = model.logits(th[static_cast<std::size_t>(b)], la[static_cast<std::size_t>(b)], {data.x, nullptr});
    EXPECT_TRUE(torch::allclose(batched[b], alone, 1e-12, 1e-12)) << "candidate " << b;
  }
}

TEST(BatchedTraining, ScoresEqualOneAtATimeTraining) {
  // Float64, so the only difference between the two routes is summation order (≈1e-15 per step).
  auto train = blocks(40, 3, 2, torch::kDouble), val = blocks(30, 3, 3, torch::kDouble), test = blocks(25, 3, 4, torch::kDouble);
  const auto cands = candidates();
  const auto jobs = every_candidate_and_seed(cands.size(), 2);
  const search::TrainSettings t{60, 0.02, 5e-4};
  auto alone = search::train_and_score_jobs(cands, jobs, train, val, &test, 3, t, 1);
  auto together = search::train_and_score_jobs(cands, jobs, train, val, &test, 3, t, 0);
  ASSERT_EQ(alone.size(), jobs.size());
  ASSERT_EQ(together.size(), jobs.size());
  double spread = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_NEAR(together[i].val_loss, alone[i].val_loss, 1e-9 * (1 + std::abs(alone[i].val_loss))) << "job " << i;
    EXPECT_EQ(together[i].val_score, alone[i].val_score) << "job " << i;
    EXPECT_EQ(together[i].test_score, alone[i].test_score) << "job " << i;
    spread = std::max(spread, std::abs(alone[i].val_loss - alone[0].val_loss));
  }
  EXPECT_GT(spread, 1e-3) << "the candidates should differ, or the comparison shows nothing";
}

TEST(BatchedTraining, ABatchOfOneIsTheOneAtATimePathBitForBit) {
  auto train = blocks(20, 3, 5, torch::kFloat), val = blocks(15, 3, 6, torch::kFloat);
  const auto cands = candidates();
  const search::TrainSettings t{25, 0.01, 5e-4};
  auto got = search::train_and_score_jobs(cands, {{1, 4}, {6, 0}}, train, val, nullptr, 3, t, 1);
  for (auto [i, c, s] : {std::tuple<std::size_t, std::size_t, std::uint64_t>{0, 1, 4}, {1, 6, 0}}) {
    auto ref = search::train_and_score(cands[c], train, val, nullptr, 3, s, t);
    EXPECT_EQ(got[i].val_loss, ref.val_loss);
    EXPECT_EQ(got[i].val_score, ref.val_score);
  }
}

TEST(BatchedTraining, ACandidatesScoreDoesNotDependOnItsBatchmates) {
  // Float32, where a changed summation order would show: batches of 2 and of 3 over the six
  // candidates of one shape must give every candidate the same bits.
  auto train = blocks(30, 3, 7, torch::kFloat), val = blocks(20, 3, 8, torch::kFloat);
  auto cands = candidates();
  cands.resize(6);
  const auto jobs = every_candidate_and_seed(cands.size(), 1);
  const search::TrainSettings t{40, 0.02, 5e-4};
  auto twos = search::train_and_score_jobs(cands, jobs, train, val, nullptr, 3, t, 2);
  auto threes = search::train_and_score_jobs(cands, jobs, train, val, nullptr, 3, t, 3);
  for (std::size_t i = 0; i < jobs.size(); ++i) EXPECT_EQ(twos[i].val_loss, threes[i].val_loss) << "job " << i;
}

TEST(BatchedTraining, WorkerThreadsDoNotChangeTheScores) {
  // Units run on as many workers as LibTorch's thread count; each unit's arithmetic is the same on
  // any worker, so one and two workers give the same bits, and the thread count is restored.
  auto train = blocks(30, 3, 11, torch::kFloat), val = blocks(20, 3, 12, torch::kFloat);
  const auto cands = candidates();
  const auto jobs = every_candidate_and_seed(cands.size(), 2);
  const search::TrainSettings t{30, 0.02, 5e-4};
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  auto one = search::train_and_score_jobs(cands, jobs, train, val, nullptr, 3, t, 2);
  at::set_num_threads(2);
  std::int64_t reported = 0;
  auto two = search::train_and_score_jobs(cands, jobs, train, val, nullptr, 3, t, 2,
                                          [&](std::int64_t k) { reported += k; });
  EXPECT_EQ(at::get_num_threads(), 2);
  at::set_num_threads(before);
  EXPECT_EQ(reported, static_cast<std::int64_t>(jobs.size()));
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(one[i].val_loss, two[i].val_loss) << "job " << i;
    EXPECT_EQ(one[i].val_score, two[i].val_score) << "job " << i;
  }
}

TEST(BatchedTraining, ScoresFollowTheJobOrderAcrossShapes) {
  auto train = blocks(20, 3, 9, torch::kDouble), val = blocks(20, 3, 10, torch::kDouble);
  const auto cands = candidates();
  // Interleaved shapes: the deep and wide candidates between the others.
  const std::vector<search::TrainJob> jobs{{7, 0}, {0, 0}, {6, 1}, {2, 0}, {7, 1}, {5, 2}};
  const search::TrainSettings t{10, 0.02, 5e-4};
  auto got = search::train_and_score_jobs(cands, jobs, train, val, nullptr, 3, t, 0);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto ref = search::train_and_score(cands[jobs[i].candidate], train, val, nullptr, 3, jobs[i].seed, t);
    EXPECT_NEAR(got[i].val_loss, ref.val_loss, 1e-9) << "job " << i;
  }
}

TEST(BatchedTraining, AutomaticBatchSizeShrinksWithTheRows) {
  search::Candidate c{"c", "decoupled-filter", {1, 0, 0}, 64, 2};
  search::Candidate narrow{"n", "decoupled-filter", {1, 0, 0}, 16, 2};
  const auto small = search::automatic_batch_size(narrow, 40, 500, 3 * 16, 7, 4);
  const auto cora = search::automatic_batch_size(c, 49, 1000, 3 * 1433, 7, 4);
  const auto large = search::automatic_batch_size(narrow, 500000, 500000, 3 * 16, 7, 4);
  EXPECT_GT(small, 8) << "small candidates batch";
  EXPECT_LE(small, 256);
  EXPECT_LT(cora, 4) << "a Cora-sized first layer (1433 × 64) leaves room for few in the cache";
  EXPECT_GE(cora, 1);
  EXPECT_EQ(large, 1) << "a candidate whose activations take gigabytes trains alone";
}

}  // namespace
}  // namespace hcdc::test
