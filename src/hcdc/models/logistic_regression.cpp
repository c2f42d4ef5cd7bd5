#include "hcdc/models/logistic_regression.hpp"

#include <fmt/format.h>

#include "hcdc/core/error.hpp"

namespace hcdc::models {

LogisticRegression::LogisticRegression(std::int64_t num_features, std::int64_t num_classes, bool per_class_lambda)
    : features_(num_features), classes_(num_classes), per_class_(per_class_lambda) {
  w_ = layout_.add(num_features, num_classes);
  b_ = layout_.add(num_classes, 0);
}

torch::Tensor LogisticRegression::init_theta(std::uint64_t seed, torch::Dtype dtype) const {
  return layout_.glorot(seed, dtype);
}

torch::Tensor LogisticRegression::default_lambda(torch::Dtype dtype) const {
  return torch::full({num_lambda()}, -4.0, torch::TensorOptions().dtype(dtype));  // exp(-4) ≈ 0.018
}

torch::Tensor LogisticRegression::logits(const torch::Tensor& theta, const torch::Tensor&, const ModelInput& in) const {
  torch::Tensor x = in.x.reshape({in.x.size(0), -1});
  if (x.size(1) != features_)
    throw SettingError("family", fmt::format("linear model expects {} features per sample, the data has {}",
                                              features_, x.size(1)));
  return torch::addmm(layout_.view(theta, b_), x, layout_.view(theta, w_));
}

torch::Tensor LogisticRegression::penalty(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  torch::Tensor w = layout_.view(theta, w_), b = layout_.view(theta, b_);
  torch::Tensor per_class = w.pow(2).sum(0) + b.pow(2);  // C
  return 0.5 * (lambda.exp().expand({classes_}) * per_class).sum();
}

}  // namespace hcdc::models
