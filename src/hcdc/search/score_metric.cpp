#include "hcdc/search/score_metric.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hcdc/core/error.hpp"

namespace hcdc::search {

const std::vector<std::string>& score_metric_names() {
  static const std::vector<std::string> names{"accuracy", "roc_auc"};
  return names;
}

ScoreMetric parse_score_metric(const std::string& name) {
  if (name == "accuracy") return ScoreMetric::kAccuracy;
  if (name == "roc_auc") return ScoreMetric::kRocAuc;
  throw SettingError("metric", fmt::format("unknown metric '{}' (known: {})", name, fmt::join(score_metric_names(), ", ")));
}

const std::string& score_metric_name(ScoreMetric m) {
  return score_metric_names()[m == ScoreMetric::kAccuracy ? 0 : 1];
}

namespace {

// ROC-AUC of each row of `scores` (B × n) against binary `labels` (n): the mean rank of the
// positives among all n, with ties given their average rank, turned into U / (n₀ n₁).
torch::Tensor roc_auc_rows(const torch::Tensor& scores, const torch::Tensor& labels) {
  const auto n = labels.size(0);
  const torch::Tensor positive = labels.eq(1);
  const double n1 = positive.sum().item<double>(), n0 = static_cast<double>(n) - n1;
  if (n1 == 0 || n0 == 0)
    throw SettingError("metric", "roc_auc needs both classes among the scored nodes; this split has only one");
  const torch::Tensor s = scores.to(torch::kDouble);
  auto [sorted, order] = s.sort(1);
  // Average ranks (1-based) of tied runs: for each sorted position, the first and last position
  // holding the same value; found by comparing neighbours and scanning the run boundaries.
  const torch::Tensor new_run = torch::ones_like(sorted, torch::kBool);
  new_run.slice(1, 1).copy_(sorted.slice(1, 1).ne(sorted.slice(1, 0, n - 1)));
  const torch::Tensor positions = torch::arange(n, s.options()).expand_as(sorted);
  // First position of each element's run: running maximum of the run starts' positions.
  const torch::Tensor first = std::get<0>(torch::where(new_run, positions, torch::zeros_like(positions)).cummax(1));
  // Last position: the nearest run end at or after it, a running minimum from the right.
  const torch::Tensor ends = torch::ones_like(sorted, torch::kBool);
  ends.slice(1, 0, n - 1).copy_(new_run.slice(1, 1));
  const torch::Tensor beyond = torch::full_like(positions, static_cast<double>(n - 1));
  const torch::Tensor last = std::get<0>(torch::where(ends, positions, beyond).flip(1).cummin(1)).flip(1);
  const torch::Tensor rank_sorted = (first + last) / 2 + 1;
  torch::Tensor ranks = torch::empty_like(rank_sorted);
  ranks.scatter_(1, order, rank_sorted);
  const torch::Tensor rank_sum = (ranks * positive.to(torch::kDouble).unsqueeze(0)).sum(1);
  return (rank_sum - n1 * (n1 + 1) / 2) / (n0 * n1);
}

}  // namespace

torch::Tensor per_candidate_metric(ScoreMetric m, const torch::Tensor& logits, const torch::Tensor& labels) {
  if (m == ScoreMetric::kAccuracy) return logits.argmax(2).eq(labels.unsqueeze(0)).to(torch::kDouble).mean(1);
  if (logits.size(2) != 2)
    throw SettingError("metric", fmt::format("roc_auc is for two classes; this task has {}", logits.size(2)));
  return roc_auc_rows(logits.select(2, 1) - logits.select(2, 0), labels);
}

}  // namespace hcdc::search
