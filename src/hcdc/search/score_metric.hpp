#pragma once
// What a candidate is scored by on validation and test nodes ([evaluate] metric). Accuracy by
// default; ROC-AUC for binary tasks with imbalanced classes, where accuracy sits at the majority
// rate for most models (tolokers: 78 % majority, every candidate within 1 point of it) and so
// ranks nothing. The heterophilous-graphs benchmark reports ROC-AUC for these graphs.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace hcdc::search {

enum class ScoreMetric { kAccuracy, kRocAuc };

const std::vector<std::string>& score_metric_names();  // "accuracy", "roc_auc"
// SettingError("metric", ...) for an unknown name.
ScoreMetric parse_score_metric(const std::string& name);
const std::string& score_metric_name(ScoreMetric m);

// The metric of each of B candidates from B × n × C logits and n labels (length B, float64).
// ROC-AUC: of the score logit₁ − logit₀ (= the log-odds of class 1), with tied scores counted half
// (the Mann–Whitney statistic / (n₀ n₁)); it needs C = 2 and both classes among the labels
// (SettingError otherwise).
torch::Tensor per_candidate_metric(ScoreMetric m, const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace hcdc::search
