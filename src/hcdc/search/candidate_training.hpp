#pragma once
// Training one candidate on a labelled set of feature blocks and scoring it elsewhere: the unit
// of work of both the ground truth (original train → original val/test) and the proxy
// (S_train → S_val).
#include <torch/torch.h>

#include <memory>

#include "hcdc/models/graph_operators.hpp"
#include "hcdc/models/model_family.hpp"
#include "hcdc/search/score_metric.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::search {

struct LabelledBlocks {
  torch::Tensor x;  // n × (K+1) × F; for message-passing candidates the graph's N × F node features
  torch::Tensor y;  // n, int64
  // Message-passing candidates only: the graph they propagate over (its N nodes are x's rows) and
  // the n labelled nodes among them (y[i] is node nodes[i]'s label). Unset for feature blocks.
  std::shared_ptr<const models::GraphOperators> graph;
  torch::Tensor nodes;
};

// Feature-block samples (no graph).
inline LabelledBlocks blocks_of(torch::Tensor x, torch::Tensor y) {
  LabelledBlocks b;
  b.x = std::move(x);
  b.y = std::move(y);
  return b;
}

struct TrainSettings {
  int epochs = 200;
  double lr = 0.01;
  double weight_decay = 5e-4;
  ScoreMetric metric = ScoreMetric::kAccuracy;  // what val_score and test_score measure
  // Message-passing candidates on a graph with sparse operators: neighbour-sampled minibatches
  // (search/neighbour_sampling.hpp) when `fanouts` is set, one fan-out per layer (−1: all
  // neighbours); an epoch is one pass over the shuffled training nodes in batches of
  // `batch_size` seeds, one Adam step each. Empty: full batch, one step an epoch. Scores are
  // taken on the whole graph either way (one forward without gradients). Images: a training set
  // larger than `batch_size` trains on shuffled minibatches of that size (an epoch one pass).
  std::vector<int> fanouts{};
  std::int64_t batch_size = 1024;
};

struct CandidateScore {
  double val_score = 0, val_loss = 0, test_score = 0, seconds = 0;  // scores in TrainSettings::metric
};

// θ's logits on a labelled set's labelled samples (for a graph: its labelled nodes' rows after one
// forward of the whole graph), and its score, without gradients.
torch::Tensor labelled_logits(const models::ModelFamily& model, const torch::Tensor& theta, const torch::Tensor& lambda,
                              const LabelledBlocks& d);
double score_of(const models::ModelFamily& model, const torch::Tensor& theta, const torch::Tensor& lambda,
                const LabelledBlocks& d, ScoreMetric metric);

// Trains from the seeded initialisation for `epochs` full-batch Adam steps, then scores.
CandidateScore train_and_score(const Candidate& c, const LabelledBlocks& train, const LabelledBlocks& val,
                               const LabelledBlocks* test, std::int64_t classes, std::uint64_t seed,
                               const TrainSettings& t);

}  // namespace hcdc::search
