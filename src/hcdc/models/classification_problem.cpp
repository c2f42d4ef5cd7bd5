#include "hcdc/models/classification_problem.hpp"

namespace hcdc::models {

ClassificationProblem::ClassificationProblem(std::shared_ptr<const ModelFamily> model, LabelledSplit train,
                                             LabelledSplit val, double weight_decay)
    : model_(std::move(model)), train_(std::move(train)), val_(std::move(val)), weight_decay_(weight_decay) {}

torch::Tensor ClassificationProblem::scored_logits(const torch::Tensor& theta, const torch::Tensor& lambda,
                                                   const LabelledSplit& s) const {
  torch::Tensor out = model_->logits(theta, lambda, s.input);
  return s.index.defined() ? out.index_select(0, s.index) : out;
}

torch::Tensor ClassificationProblem::train_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  return torch::nn::functional::cross_entropy(scored_logits(theta, lambda, train_), train_.labels) +
         model_->penalty(theta, lambda) + 0.5 * weight_decay_ * theta.pow(2).sum();
}

torch::Tensor ClassificationProblem::val_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  return torch::nn::functional::cross_entropy(scored_logits(theta, lambda, val_), val_.labels);
}

double ClassificationProblem::accuracy(const torch::Tensor& theta, const torch::Tensor& lambda,
                                       const LabelledSplit& split) const {
  torch::NoGradGuard no_grad;
  auto pred = scored_logits(theta, lambda, split).argmax(1);
  return pred.eq(split.labels).to(torch::kDouble).mean().item<double>();
}

}  // namespace hcdc::models
