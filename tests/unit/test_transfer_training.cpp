// GCond's evaluation protocol (search/transfer_training.hpp) against a loop written here with
// LibTorch's own Adam weight decay, and the seeded hidden dropout against its expectation.
#include <gtest/gtest.h>

#include "hcdc/models/conv_supernet.hpp"
#include "hcdc/models/graph_operators.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/search_space.hpp"
#include "hcdc/search/transfer_training.hpp"

namespace hcdc::test {
namespace {

constexpr std::int64_t kF = 5, kC = 3;

// A random symmetric graph of n nodes (edge probability p, no self-loops) with random features;
// with `labels`, edges only join nodes of the same label (a homophilous graph).
search::LabelledBlocks random_graph(std::int64_t n, double p, std::uint64_t seed, bool weighted,
                                    const torch::Tensor& labels = {}) {
  torch::manual_seed(seed);
  auto u = torch::rand({n, n}, torch::kDouble);
  auto a = (u < p).to(torch::kDouble);
  if (labels.defined()) a = a * labels.unsqueeze(0).eq(labels.unsqueeze(1)).to(torch::kDouble);
  if (weighted) a = a * torch::rand({n, n}, torch::kDouble);
  a = torch::triu(a, 1);
  a = a + a.t();
  search::LabelledBlocks b;
  b.x = torch::randn({n, kF}, torch::kDouble);
  b.graph = std::make_shared<models::GraphOperators>(models::GraphOperators::from_dense(a));
  return b;
}

search::Candidate gcn(std::int64_t width) {
  search::SearchSpaceSpec s;
  s.kind = "named";
  s.family = "conv-supernet";
  s.filters = {"gcn"};
  s.widths = {static_cast<double>(width)};
  s.depths = {2};
  return search::make_candidates(s).at(0);
}

double accuracy(const torch::Tensor& logits, const torch::Tensor& y) {
  return logits.argmax(1).eq(y).to(torch::kDouble).mean().item<double>();
}

TEST(TransferTraining, MatchesAHandWrittenLoopWithBestValidationEpochAndLrDrop) {
  // The original graph: 40 nodes, validation and test nodes disjoint; the condensed graph: 9
  // synthetic nodes with a weighted adjacency (as GCond's A').
  // Both graphs' features: a class prototype plus noise, so training on the condensed graph
  // moves the original validation accuracy over the epochs.
  torch::manual_seed(5);
  auto proto = torch::randn({kC, kF}, torch::kDouble);
  auto y_all = torch::randint(0, kC, {40}, torch::kLong);
  auto original = random_graph(40, 0.2, 3, false, y_all);
  const auto y_syn = torch::tensor({0, 0, 0, 1, 1, 1, 2, 2, 2}, torch::kLong);
  auto condensed = random_graph(9, 0.6, 4, true, y_syn);
  condensed.y = y_syn;
  condensed.nodes = torch::arange(9, torch::kLong);
  original.x = original.x + 0.7 * proto.index_select(0, y_all);
  condensed.x = 0.5 * condensed.x + 0.7 * proto.index_select(0, condensed.y);
  search::LabelledBlocks val = original, test = original;
  val.nodes = torch::arange(0, 20, torch::kLong);
  test.nodes = torch::arange(20, 40, torch::kLong);
  val.y = y_all.index_select(0, val.nodes);
  test.y = y_all.index_select(0, test.nodes);

  search::TransferSettings t;
  t.epochs = 30;
  t.lr = 0.01;
  t.weight_decay = 5e-3;
  t.dropout = 0;
  t.lr_drop = true;
  const auto cand = gcn(8);
  const std::uint64_t seed = 7;
  auto got = search::train_on_condensed(cand, condensed, val, test, kC, seed, t, search::ScoreMetric::kAccuracy);

  // The oracle: LibTorch's Adam with its own (coupled) weight decay on the cross-entropy alone,
  // restarted at lr / 10 halfway, the first epoch of the best validation accuracy kept.
  const auto fixed = search::with_fixed_lambda(cand);
  auto model = search::make_model(fixed, kF, kC);
  auto lambda = torch::tensor(fixed.lambda, torch::kDouble);
  auto theta = model->init_theta(seed, torch::kDouble).requires_grad_(true);
  auto make = [&](double lr) {
    return std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{theta},
                                                torch::optim::AdamOptions(lr).weight_decay(t.weight_decay));
  };
  auto opt = make(t.lr);
  double best_val = -1, best_test = 0, best_loss = 0;
  int best_epoch = -1, improvements = 0;
  for (int e = 0; e < t.epochs; ++e) {
    if (e == t.epochs / 2) opt = make(t.lr / 10);
    opt->zero_grad();
    torch::nn::functional::cross_entropy(model->logits(theta, lambda, {condensed.x, condensed.graph}), condensed.y)
        .backward();
    opt->step();
    torch::NoGradGuard ng;
    auto all = model->logits(theta, lambda, {original.x, original.graph});
    auto lv = all.index_select(0, val.nodes);
    double v = accuracy(lv, val.y);
    if (v > best_val) {
      best_val = v;
      best_loss = torch::nn::functional::cross_entropy(lv, val.y).item<double>();
      best_test = accuracy(all.index_select(0, test.nodes), test.y);
      best_epoch = e;
      ++improvements;
    }
  }
  ASSERT_GE(improvements, 2) << "a test whose validation accuracy never moves checks nothing";
  ASSERT_GE(best_epoch, t.epochs / 2) << "the best epoch should come after the learning-rate drop";
  EXPECT_EQ(got.best_epoch, best_epoch);
  EXPECT_DOUBLE_EQ(got.val_score, best_val);
  EXPECT_DOUBLE_EQ(got.test_score, best_test);
  EXPECT_NEAR(got.val_loss, best_loss, 1e-9);

  // Without the drop the run differs (the setting is used).
  t.lr_drop = false;
  auto flat = search::train_on_condensed(cand, condensed, val, test, kC, seed, t, search::ScoreMetric::kAccuracy);
  EXPECT_TRUE(flat.best_epoch != got.best_epoch || flat.val_loss != got.val_loss);
}

TEST(TransferTraining, HiddenDropoutIsSeededAndUnbiased) {
  auto g = random_graph(12, 0.3, 8, false);
  const auto fixed = search::with_fixed_lambda(gcn(16));
  auto model = search::make_model(fixed, kF, kC);
  auto lambda = torch::tensor(fixed.lambda, torch::kDouble);
  auto theta = model->init_theta(2, torch::kDouble);
  torch::NoGradGuard ng;
  const auto plain = model->logits(theta, lambda, {g.x, g.graph});
  auto dropped = [&](std::uint64_t seed) {
    models::HiddenDropout d(0.5, seed);
    return model->logits(theta, lambda, {g.x, g.graph, &d});
  };
  EXPECT_TRUE(torch::equal(dropped(1), dropped(1)));  // same seed, same masks
  EXPECT_FALSE(torch::allclose(dropped(1), dropped(2)));
  EXPECT_FALSE(torch::allclose(dropped(1), plain));
  // The output layer is linear in the hidden activations, and inverted dropout keeps their
  // expectation: the mean over many masks tends to the plain forward (error ~ σ/√draws).
  models::HiddenDropout d(0.5, 3);
  auto sum = torch::zeros_like(plain);
  const int draws = 4000;
  for (int i = 0; i < draws; ++i) sum += model->logits(theta, lambda, {g.x, g.graph, &d});
  const double scale = plain.abs().max().item<double>();
  EXPECT_LT((sum / draws - plain).abs().max().item<double>(), 0.05 * scale);
  // p = 0 is the plain forward.
  models::HiddenDropout none(0.0, 4);
  EXPECT_TRUE(torch::equal(model->logits(theta, lambda, {g.x, g.graph, &none}), plain));
}

}  // namespace
}  // namespace hcdc::test
