#pragma once
// Learned condensation of S_train in the decoupled block representation:
//  * gradient matching (DC/GCond): per class, layer-wise row cosine distance between the
//    gradients of a fresh SGC-style matching model on real and on synthetic nodes;
//    GCond-X keeps an identity synthetic adjacency (every block of a synthetic node equals its
//    features), GCond learns A' = sigmoid(MLP([x_i ‖ x_j])), symmetrised, zero diagonal, and
//    propagates the synthetic features over D̃^-½(A'+I)D̃^-½;
//  * distribution matching (DM): per class, squared distance between the mean embeddings of
//    real and synthetic nodes under a fresh random network each iteration.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "hcdc/search/candidate_training.hpp"

namespace hcdc::condense {

struct MatchingOptions {
  int iterations = 100;       // outer loop: a fresh model each time
  int inner = 5;              // matching-model training steps on the synthetic set per iteration
  double feature_lr = 1e-3;   // Adam on synthetic features
  double adjacency_lr = 1e-3; // Adam on the adjacency MLP (GCond)
  int adjacency_every = 5;    // GCond alternates: adjacency steps on 1 of every `adjacency_every` iterations
  std::int64_t adjacency_hidden = 128;
  double model_lr = 0.01;
  std::int64_t embed_hidden = 128;  // DM
  // Images (condense/image_matching.hpp): the matching ConvNet's width, real images per class and
  // step, and the SGD (momentum 0.5) learning rates of the synthetic images for DC/DSA and DM.
  std::int64_t image_width = 32;
  std::int64_t real_batch = 128;
  double image_lr = 0.1;
  double dm_image_lr = 1.0;
};

struct SyntheticSet {
  torch::Tensor x;          // m × F synthetic features (block 0)
  torch::Tensor adjacency;  // m × m (GCond) or undefined
  torch::Tensor blocks;     // m × (K+1) × F, what the candidates see
  torch::Tensor y;
  std::vector<double> loss_history;  // matching loss per iteration
};

// `real`: the original training nodes' blocks and labels; `per_class`: synthetic nodes per class.
// Synthetic features start at randomly chosen real nodes of their class (as GCond).
SyntheticSet gradient_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                               std::int64_t num_classes, bool learn_adjacency, const MatchingOptions& o,
                               std::uint64_t seed);
SyntheticSet distribution_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                                   std::int64_t num_classes, const MatchingOptions& o, std::uint64_t seed);

// Synthetic labels and the real samples (rows of `real`) each synthetic sample starts from,
// per_class[c] of class c (cycling through a class with fewer), seeded.
std::pair<torch::Tensor, torch::Tensor> initial_rows(const search::LabelledBlocks& real,
                                                     const std::vector<std::int64_t>& per_class, std::uint64_t seed);
// The rows of `t` whose label in `y` is c.
torch::Tensor class_mask_select(const torch::Tensor& t, const torch::Tensor& y, std::int64_t c);

// Σ over output units of 1 − cos between gradient rows (DC's distance for one weight matrix
// stored in × out), ε = 1e-6 in the denominator.
torch::Tensor row_cosine_distance(const torch::Tensor& g_real, const torch::Tensor& g_syn);

}  // namespace hcdc::condense
