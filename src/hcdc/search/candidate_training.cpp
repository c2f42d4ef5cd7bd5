#include "hcdc/search/candidate_training.hpp"

#include <chrono>
#include <functional>
#include <numeric>
#include <random>

#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/search/neighbour_sampling.hpp"

namespace hcdc::search {
namespace {

// Adam over `t.epochs` passes of shuffled minibatches of `n` training samples, `t.batch_size` a
// step, each batch's loss the full-batch loss (cross-entropy plus the weight decay's L2 term) on
// the split `batch_split(order, b, e, rng)` makes of samples order[b..e). Seeded by `rng`.
using BatchSplit = std::function<models::LabelledSplit(const std::vector<std::int64_t>& order, std::int64_t b,
                                                       std::int64_t e, std::mt19937_64& rng)>;
torch::Tensor adam_over_minibatches(const std::shared_ptr<models::ModelFamily>& model, const torch::Tensor& theta0,
                                    const torch::Tensor& lambda, const TrainSettings& t, std::int64_t n,
                                    std::mt19937_64& rng, const BatchSplit& batch_split) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  torch::Tensor theta = theta0.detach().clone().requires_grad_(true);
  const torch::Tensor lam = lambda.detach();
  torch::optim::Adam opt(std::vector<torch::Tensor>{theta}, torch::optim::AdamOptions(t.lr));
  for (int epoch = 0; epoch < t.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::int64_t b = 0; b < n; b += t.batch_size) {
      const models::LabelledSplit split = batch_split(order, b, std::min(n, b + t.batch_size), rng);
      models::ClassificationProblem p(model, split, split, t.weight_decay);
      opt.zero_grad();
      p.train_loss(theta, lam).backward();
      opt.step();
    }
  }
  return theta.detach();
}

torch::Tensor positions(const std::vector<std::int64_t>& order, std::int64_t b, std::int64_t e) {
  return torch::tensor(std::vector<std::int64_t>(order.begin() + b, order.begin() + e), torch::kLong);
}

// Neighbour-sampled minibatches of the training nodes (TrainSettings::fanouts): each batch's
// seeds on their sampled subgraph. Seeded: the batch order and every draw follow `seed`.
torch::Tensor train_theta_sampled(const std::shared_ptr<models::ModelFamily>& model, const Candidate& c,
                                  const LabelledBlocks& train, const torch::Tensor& theta0, const torch::Tensor& lambda,
                                  const TrainSettings& t, std::uint64_t seed) {
  const NeighbourSampler sampler(*train.graph);
  const std::vector<int> hops = hop_fanouts(c, t.fanouts);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 0x5A3D);
  const auto* nodes = train.nodes.data_ptr<std::int64_t>();
  return adam_over_minibatches(
      model, theta0, lambda, t, train.nodes.size(0), rng,
      [&](const std::vector<std::int64_t>& order, std::int64_t b, std::int64_t e, std::mt19937_64& r) {
        std::vector<std::int64_t> seeds;
        seeds.reserve(static_cast<std::size_t>(e - b));
        for (auto k = b; k < e; ++k) seeds.push_back(nodes[order[static_cast<std::size_t>(k)]]);
        const SampledBatch batch = sampler.sample(seeds, hops, r, train.x.scalar_type());
        return models::LabelledSplit{{train.x.index_select(0, batch.nodes), batch.graph},
                                     torch::arange(e - b, torch::kLong), train.y.index_select(0, positions(order, b, e))};
      });
}

// Plain minibatches of samples (images: TrainSettings::batch_size). On thousands of images a
// full-batch step costs a pass over all of them for one update; minibatches train the same
// network to a better optimum for a fraction of the passes. Seeded by `seed`.
torch::Tensor train_theta_minibatch(const std::shared_ptr<models::ModelFamily>& model, const LabelledBlocks& train,
                                    const torch::Tensor& theta0, const torch::Tensor& lambda, const TrainSettings& t,
                                    std::uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 0x1B47);
  return adam_over_minibatches(
      model, theta0, lambda, t, train.x.size(0), rng,
      [&](const std::vector<std::int64_t>& order, std::int64_t b, std::int64_t e, std::mt19937_64&) {
        const torch::Tensor rows = positions(order, b, e);
        return models::LabelledSplit{{train.x.index_select(0, rows), nullptr}, {}, train.y.index_select(0, rows)};
      });
}

}  // namespace

torch::Tensor labelled_logits(const models::ModelFamily& model, const torch::Tensor& theta, const torch::Tensor& lambda,
                              const LabelledBlocks& d) {
  torch::NoGradGuard ng;
  torch::Tensor logits = model.logits(theta, lambda, {d.x, d.graph});
  return d.graph ? logits.index_select(0, d.nodes) : logits;
}

double score_of(const models::ModelFamily& model, const torch::Tensor& theta, const torch::Tensor& lambda,
                const LabelledBlocks& d, ScoreMetric metric) {
  return per_candidate_metric(metric, labelled_logits(model, theta, lambda, d).unsqueeze(0), d.y)[0].item<double>();
}

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
  const bool sampled = train.graph && !t.fanouts.empty() && train.graph->is_sparse() && train.graph->has(models::GraphOp::kAdj);
  const bool image_batches = !train.graph && train.x.dim() == 4 && train.x.size(0) > t.batch_size;
  torch::Tensor theta =
      sampled         ? train_theta_sampled(model, trained, train, model->init_theta(seed, dt), lambda, t, seed)
      : image_batches ? train_theta_minibatch(model, train, model->init_theta(seed, dt), lambda, t, seed)
                      : hypergrad::train_theta(p, model->init_theta(seed, dt), lambda, {"adam", t.lr, 0, t.epochs});
  CandidateScore s;
  {
    torch::NoGradGuard ng;
    s.val_loss = p.val_loss(theta, lambda).item<double>();
  }
  s.val_score = score_of(*model, theta, lambda, val, t.metric);
  if (test) s.test_score = score_of(*model, theta, lambda, *test, t.metric);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace hcdc::search
