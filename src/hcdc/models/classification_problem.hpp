#pragma once
// The bilevel problem of training a model family on labelled samples:
//   L_train = CE(f_θ^λ(train input)[train_idx], y_train) + penalty(θ, λ)
//   L_val   = CE(f_θ^λ(val input)[val_idx], y_val)
// Graph models read the whole graph (full batch) and index the split; sample models read rows.
#include <torch/torch.h>

#include <memory>

#include "hcdc/hypergrad/bilevel_problem.hpp"
#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

struct LabelledSplit {
  ModelInput input;
  torch::Tensor index;   // int64 rows of the model output to score; undefined = all rows
  torch::Tensor labels;  // int64, one per scored row
};

class ClassificationProblem : public hypergrad::BilevelProblem {
 public:
  // weight_decay adds ½·wd·‖θ‖² to L_train (a fixed setting, not a hyperparameter): it keeps the
  // Hessian positive definite at a minimum, which the implicit function theorem needs.
  ClassificationProblem(std::shared_ptr<const ModelFamily> model, LabelledSplit train, LabelledSplit val,
                        double weight_decay = 0.0);
  torch::Tensor train_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const override;
  torch::Tensor val_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const override;
  // One forward for both when both splits read the same input (a full-batch graph model).
  std::pair<torch::Tensor, torch::Tensor> losses(const torch::Tensor& theta, const torch::Tensor& lambda) const override;
  std::int64_t num_theta() const override { return model_->num_theta(); }
  std::int64_t num_lambda() const override { return model_->num_lambda(); }

  // A stochastic estimate's problem: `train_rows` / `val_rows` scored rows drawn without
  // replacement (seeded); 0 or more than available keeps the split whole.
  ClassificationProblem sample_rows(std::int64_t train_rows, std::int64_t val_rows, std::uint64_t seed) const;
  std::shared_ptr<const hypergrad::BilevelProblem> minibatch(std::int64_t train_rows, std::int64_t val_rows,
                                                             std::uint64_t seed) const override {
    return std::make_shared<ClassificationProblem>(sample_rows(train_rows, val_rows, seed));
  }

  double accuracy(const torch::Tensor& theta, const torch::Tensor& lambda, const LabelledSplit& split) const;
  const LabelledSplit& train() const { return train_; }
  const LabelledSplit& val() const { return val_; }
  LabelledSplit& mutable_val() { return val_; }
  const ModelFamily& model() const { return *model_; }

 private:
  torch::Tensor scored_logits(const torch::Tensor& theta, const torch::Tensor& lambda, const LabelledSplit& s) const;
  torch::Tensor train_loss_from(const torch::Tensor& logits, const torch::Tensor& theta, const torch::Tensor& lambda) const;
  std::shared_ptr<const ModelFamily> model_;
  LabelledSplit train_, val_;
  double weight_decay_;
};

}  // namespace hcdc::models
