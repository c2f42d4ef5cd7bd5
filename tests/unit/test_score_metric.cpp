// The candidates' score metrics against their definitions computed by brute force: accuracy as
// the share of rows whose largest logit is the label; ROC-AUC as the share of (positive,
// negative) pairs the score orders correctly, ties counting half (no ranks involved).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "hcdc/core/error.hpp"
#include "hcdc/search/score_metric.hpp"

namespace {

using hcdc::search::per_candidate_metric;
using hcdc::search::ScoreMetric;

double pairwise_auc(const std::vector<double>& score, const std::vector<std::int64_t>& y) {
  double good = 0, pairs = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    for (std::size_t j = 0; j < y.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        pairs += 1;
        good += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
      }
  return good / pairs;
}

TEST(ScoreMetric, RocAucEqualsThePairwiseDefinitionWithManyTies) {
  torch::manual_seed(3);
  const int B = 4, n = 61;
  // Integer logits in 0..4: the score logit1 − logit0 ties often.
  torch::Tensor logits = torch::randint(0, 5, {B, n, 2}, torch::kDouble);
  torch::Tensor labels = torch::randint(0, 2, {n}, torch::kLong);
  torch::Tensor auc = per_candidate_metric(ScoreMetric::kRocAuc, logits, labels);
  std::vector<std::int64_t> y(labels.data_ptr<std::int64_t>(), labels.data_ptr<std::int64_t>() + n);
  for (int b = 0; b < B; ++b) {
    torch::Tensor s = (logits[b].select(1, 1) - logits[b].select(1, 0)).contiguous();
    std::vector<double> score(s.data_ptr<double>(), s.data_ptr<double>() + n);
    EXPECT_NEAR(auc[b].item<double>(), pairwise_auc(score, y), 1e-12) << "candidate " << b;
  }
}

TEST(ScoreMetric, RocAucExtremesAndFloat32) {
  torch::Tensor labels = torch::tensor({0, 1, 0, 1, 1}, torch::kLong);
  torch::Tensor s = torch::tensor({-2.f, 3.f, -1.f, 0.5f, 2.f});
  auto two = [&](const torch::Tensor& score) {  // logits [0, score]: logit1 − logit0 = score
    return torch::stack({torch::zeros_like(score), score}, 1).unsqueeze(0);
  };
  EXPECT_DOUBLE_EQ(per_candidate_metric(ScoreMetric::kRocAuc, two(s), labels).item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(per_candidate_metric(ScoreMetric::kRocAuc, two(-s), labels).item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(per_candidate_metric(ScoreMetric::kRocAuc, two(torch::zeros_like(s)), labels).item<double>(), 0.5);
}

TEST(ScoreMetric, AccuracyEqualsTheCountOfCorrectArgmaxes) {
  torch::manual_seed(4);
  torch::Tensor logits = torch::randn({3, 40, 5});
  torch::Tensor labels = torch::randint(0, 5, {40}, torch::kLong);
  torch::Tensor acc = per_candidate_metric(ScoreMetric::kAccuracy, logits, labels);
  for (int b = 0; b < 3; ++b) {
    int correct = 0;
    for (int i = 0; i < 40; ++i) {
      int best = 0;
      for (int c = 1; c < 5; ++c)
        if (logits[b][i][c].item<float>() > logits[b][i][best].item<float>()) best = c;
      correct += best == labels[i].item<std::int64_t>();
    }
    EXPECT_DOUBLE_EQ(acc[b].item<double>(), correct / 40.0);
  }
}

TEST(ScoreMetric, RocAucRefusesWhatItCannotScore) {
  torch::Tensor three = torch::randn({1, 6, 3});
  EXPECT_THROW(per_candidate_metric(ScoreMetric::kRocAuc, three, torch::tensor({0, 1, 2, 0, 1, 2})),
               hcdc::SettingError);
  torch::Tensor one_class = torch::zeros({6}, torch::kLong);
  EXPECT_THROW(per_candidate_metric(ScoreMetric::kRocAuc, torch::randn({1, 6, 2}), one_class), hcdc::SettingError);
  EXPECT_THROW(hcdc::search::parse_score_metric("f1"), hcdc::SettingError);
}

}  // namespace
