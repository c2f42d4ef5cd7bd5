#pragma once
// How well a condensed set trains a model for the original data — the graph-condensation papers'
// own measure (GCond's Table 2): a candidate trained on S_train alone, its epoch chosen by its
// accuracy on the original validation split, scored on the original test split. GCond's protocol:
// full-batch Adam with weight decay, dropout on the hidden layers, the learning rate divided by
// 10 (a fresh Adam) halfway, the epoch with the best validation score (the first on ties) kept.
#include <cstdint>

#include "hcdc/search/candidate_training.hpp"

namespace hcdc::search {

struct TransferSettings {
  int epochs = 600;
  double lr = 0.01;
  double weight_decay = 5e-4;
  double dropout = 0.5;    // on hidden activations (families that support it: conv-supernet)
  bool lr_drop = true;     // lr / 10 with a fresh Adam from epoch ⌊epochs/2⌋ on
  int runs = 3;            // seeds per condensed set
  // What is trained: the job's candidates (GCond's protocol above), or, for images, DC's own
  // evaluation network (condense/image_matching.hpp: the [matching] ConvNet trained by SGD with
  // momentum on minibatches of batch_size, the last epoch tested; DC's papers' protocol).
  enum class Network { kCandidates, kMatchingConvNet };
  Network network = Network::kCandidates;
  std::int64_t batch_size = 256;  // kMatchingConvNet
  // kMatchingConvNet: every minibatch through DSA's augmentation (per image; DSA's and DM's
  // evaluation protocol) instead of none (DC's on Fashion-MNIST).
  bool dsa_augment = false;
};

struct TransferScore {
  double val_score = 0, test_score = 0;  // at the best validation epoch, in `metric`
  double val_loss = 0;                   // cross-entropy on the original validation split there
  int best_epoch = -1;                   // 0-based
  double seconds = 0;
};

// `condensed`: S_train (for message passing its nodes with their graph); `val`, `test`: the
// original splits. Seeded: the initialisation and the dropout masks follow `seed`.
TransferScore train_on_condensed(const Candidate& c, const LabelledBlocks& condensed, const LabelledBlocks& val,
                                 const LabelledBlocks& test, std::int64_t classes, std::uint64_t seed,
                                 const TransferSettings& t, ScoreMetric metric);

}  // namespace hcdc::search
