#include "hcdc/search/transfer_training.hpp"

#include <chrono>
#include <limits>
#include <memory>

#include "hcdc/models/classification_problem.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {

TransferScore train_on_condensed(const Candidate& c, const LabelledBlocks& condensed, const LabelledBlocks& val,
                                 const LabelledBlocks& test, std::int64_t classes, std::uint64_t seed,
                                 const TransferSettings& t, ScoreMetric metric) {
  auto t0 = std::chrono::steady_clock::now();
  const Candidate trained = with_fixed_lambda(c);
  auto model = make_model(trained, condensed.x.size(-1), classes);
  const auto dt = condensed.x.scalar_type();
  const torch::Tensor lambda = torch::tensor(trained.lambda, torch::kDouble).to(dt);
  const models::HiddenDropout dropout(t.dropout, seed * 0x9E3779B97F4A7C15ULL + 0xD0);
  const models::LabelledSplit train{{condensed.x, condensed.graph, &dropout},
                                    condensed.graph ? condensed.nodes : torch::Tensor(), condensed.y};
  // The L2 term ½·wd·‖θ‖² adds wd·θ to the gradient: PyTorch's Adam(weight_decay = wd).
  models::ClassificationProblem problem(model, train, train, t.weight_decay);
  torch::Tensor theta = model->init_theta(seed, dt).requires_grad_(true);
  auto adam = [&](double lr) {
    return std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{theta}, torch::optim::AdamOptions(lr));
  };
  auto opt = adam(t.lr);
  TransferScore best;
  best.val_score = -std::numeric_limits<double>::infinity();
  for (int epoch = 0; epoch < t.epochs; ++epoch) {
    if (t.lr_drop && epoch == t.epochs / 2 && epoch > 0) opt = adam(t.lr / 10);
    opt->zero_grad();
    problem.train_loss(theta, lambda).backward();
    opt->step();
    const torch::Tensor logits = labelled_logits(*model, theta.detach(), lambda, val);
    const double v = per_candidate_metric(metric, logits.unsqueeze(0), val.y)[0].item<double>();
    if (v > best.val_score) {
      best.val_score = v;
      best.val_loss = torch::nn::functional::cross_entropy(logits, val.y).item<double>();
      best.test_score = score_of(*model, theta.detach(), lambda, test, metric);
      best.best_epoch = epoch;
    }
  }
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return best;
}

}  // namespace hcdc::search
