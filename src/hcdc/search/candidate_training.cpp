#include "hcdc/search/candidate_training.hpp"

#include <chrono>

#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/models/classification_problem.hpp"

namespace hcdc::search {

CandidateScore train_and_score(const Candidate& c, const LabelledBlocks& train, const LabelledBlocks& val,
                               const LabelledBlocks* test, std::int64_t classes, std::uint64_t seed,
                               const TrainSettings& t) {
  auto t0 = std::chrono::steady_clock::now();
  const Candidate trained = with_fixed_lambda(c);
  auto model = make_model(trained, train.x.size(-1), classes);
  const auto dt = train.x.scalar_type();
  torch::Tensor lambda = torch::tensor(trained.lambda, torch::kDouble).to(dt);
  // Feature blocks: each labelled row is a sample. A graph: the model reads every node and the
  // labelled ones are scored (full batch, as the ground truth of a GNN is trained).
  auto split = [](const LabelledBlocks& d) {
    return models::LabelledSplit{{d.x, d.graph}, d.graph ? d.nodes : torch::Tensor(), d.y};
  };
  models::ClassificationProblem p(model, split(train), split(val), t.weight_decay);
  torch::Tensor theta = hypergrad::train_theta(p, model->init_theta(seed, dt), lambda, {"adam", t.lr, 0, t.epochs});
  CandidateScore s;
  {
    torch::NoGradGuard ng;
    s.val_loss = p.val_loss(theta, lambda).item<double>();
  }
  auto score_on = [&](const LabelledBlocks& d) {
    torch::NoGradGuard ng;
    torch::Tensor logits = model->logits(theta, lambda, {d.x, d.graph});
    if (d.graph) logits = logits.index_select(0, d.nodes);
    return per_candidate_metric(t.metric, logits.unsqueeze(0), d.y)[0].item<double>();
  };
  s.val_score = score_on(val);
  if (test) s.test_score = score_on(*test);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace hcdc::search
