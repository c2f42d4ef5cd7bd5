#pragma once
// Multinomial logistic regression with an L2 penalty of log-strength λ:
//   penalty = ½ Σ_c exp(λ_c) (‖W_:,c‖² + b_c²)       (per class; a scalar λ is shared)
// Every parameter is penalised, so L_train is strongly convex: the optimum and the hypergradient
// are unique, which makes this the family for cross-checking hypergradient implementations.
#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

class LogisticRegression : public ModelFamily {
 public:
  LogisticRegression(std::int64_t num_features, std::int64_t num_classes, bool per_class_lambda);
  std::string name() const override { return "linear"; }
  std::int64_t num_theta() const override { return layout_.size(); }
  std::int64_t num_lambda() const override { return per_class_ ? classes_ : 1; }
  torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const override;
  torch::Tensor default_lambda(torch::Dtype dtype) const override;
  torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const override;
  torch::Tensor penalty(const torch::Tensor& theta, const torch::Tensor& lambda) const override;
  bool convex_in_theta() const override { return true; }  // cross-entropy of a linear map + exp(λ)·‖W‖²

 private:
  std::int64_t features_, classes_;
  bool per_class_;
  ParameterLayout layout_;
  std::int64_t w_, b_;
};

}  // namespace hcdc::models
