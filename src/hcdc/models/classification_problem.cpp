#include "hcdc/models/classification_problem.hpp"

#include <numeric>
#include <random>

namespace hcdc::models {

ClassificationProblem::ClassificationProblem(std::shared_ptr<const ModelFamily> model, LabelledSplit train,
                                             LabelledSplit val, double weight_decay)
    : model_(std::move(model)), train_(std::move(train)), val_(std::move(val)), weight_decay_(weight_decay) {}

namespace {
torch::Tensor scored(const torch::Tensor& logits, const LabelledSplit& s) {
  return s.index.defined() ? logits.index_select(0, s.index) : logits;
}
}  // namespace

torch::Tensor ClassificationProblem::scored_logits(const torch::Tensor& theta, const torch::Tensor& lambda,
                                                   const LabelledSplit& s) const {
  return scored(model_->logits(theta, lambda, s.input), s);
}

torch::Tensor ClassificationProblem::train_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  return train_loss_from(scored_logits(theta, lambda, train_), theta, lambda);
}

torch::Tensor ClassificationProblem::train_loss_from(const torch::Tensor& logits, const torch::Tensor& theta,
                                                     const torch::Tensor& lambda) const {
  return torch::nn::functional::cross_entropy(logits, train_.labels) + model_->penalty(theta, lambda) +
         0.5 * weight_decay_ * theta.pow(2).sum();
}

torch::Tensor ClassificationProblem::val_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  return torch::nn::functional::cross_entropy(scored_logits(theta, lambda, val_), val_.labels);
}

std::pair<torch::Tensor, torch::Tensor> ClassificationProblem::losses(const torch::Tensor& theta,
                                                                      const torch::Tensor& lambda) const {
  const bool shared = train_.input.x.is_same(val_.input.x) && train_.input.graph == val_.input.graph;
  if (!shared) return BilevelProblem::losses(theta, lambda);
  torch::Tensor all = model_->logits(theta, lambda, train_.input);
  return {train_loss_from(scored(all, train_), theta, lambda),
          torch::nn::functional::cross_entropy(scored(all, val_), val_.labels)};
}

namespace {
LabelledSplit subsample(const LabelledSplit& s, std::int64_t rows, std::mt19937_64& rng) {
  const std::int64_t n = s.labels.size(0);
  if (rows <= 0 || rows >= n) return s;
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  perm.resize(static_cast<std::size_t>(rows));
  auto pick = torch::tensor(perm, torch::kLong);
  torch::Tensor index = s.index.defined() ? s.index.index_select(0, pick) : pick;
  // Rows without a graph are independent samples: gather them, so the minibatch's forward (and
  // its Hessian-vector products) reads only its own rows. A graph's nodes keep the whole input.
  if (!s.input.graph) return {{s.input.x.index_select(0, index), nullptr}, {}, s.labels.index_select(0, pick)};
  return {s.input, index, s.labels.index_select(0, pick)};
}
}  // namespace

ClassificationProblem ClassificationProblem::sample_rows(std::int64_t train_rows, std::int64_t val_rows,
                                                       std::uint64_t seed) const {
  std::mt19937_64 rng(seed);
  LabelledSplit tr = subsample(train_, train_rows, rng);
  LabelledSplit va = subsample(val_, val_rows, rng);
  return ClassificationProblem(model_, tr, va, weight_decay_);
}

double ClassificationProblem::accuracy(const torch::Tensor& theta, const torch::Tensor& lambda,
                                       const LabelledSplit& split) const {
  torch::NoGradGuard no_grad;
  auto pred = scored_logits(theta, lambda, split).argmax(1);
  return pred.eq(split.labels).to(torch::kDouble).mean().item<double>();
}

}  // namespace hcdc::models
