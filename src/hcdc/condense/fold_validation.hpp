#pragma once
// HCDC for fold selection (the paper's Table 6, its appendix K). The hyperparameter φ ∈ {0,1}^M
// says which of M folds V_1..V_M of the training data validates; relaxed, the validation loss is
// Σ_i φ_i ℓ(θ; V_i), so its hypergradient with respect to φ is the vector of the folds' losses
// [ℓ(θ; V_i)]_i plus an implicit part through the folds that train. On the condensed side S_train
// is one fixed synthetic set, so the implicit part vanishes and the synthetic hypergradient is
// [ℓ(θ; S_val^i)]_i, one synthetic validation set per fold. HCDC learns the S_val^i so that, along
// HPO trajectories of a fixed architecture on S_train, the two hypergradients align — here with
// the original side's implicit part left out too (it needs a Hessian solve per fold, and the
// ranking depends on the folds' direct losses). The alignment loss is 1 − cos of the two vectors
// *centred over the folds*: only their differences rank the folds, and two vectors of positive
// losses have a cosine near 1 whatever their order.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "hcdc/search/candidate_training.hpp"

namespace hcdc::condense {

struct FoldValidationOptions {
  int trajectories = 10;      // θ trajectories from fresh seeded initialisations
  int trajectory_steps = 60;  // full-batch Adam steps on S_train per trajectory
  int every = 5;              // an S_val step after every this many θ steps
  double theta_lr = 0.01, weight_decay = 5e-4;
  double sval_lr = 0.05;      // Adam on the synthetic validation images
};

struct FoldValidation {
  std::vector<search::LabelledBlocks> s_val;  // one per fold, labels as initialised
  std::vector<double> history;                // the alignment loss at every S_val step
  double seconds = 0;
};

// 1 − cos(g_t − mean(g_t), g_s − mean(g_s)) for two vectors over the folds (differentiable in g_s;
// 1 when either is constant).
torch::Tensor centred_alignment_loss(const torch::Tensor& g_t, const torch::Tensor& g_s);

// Learns S_val^i from `s_val_init[i]` (images of fold i, or any start) for the architecture `arch`
// (its λ fixed) trained on `s_train`; `folds[i]` is the original fold V_i. Seeded and
// deterministic for a thread count.
FoldValidation learn_fold_validation(const search::Candidate& arch, const search::LabelledBlocks& s_train,
                                     const std::vector<search::LabelledBlocks>& folds,
                                     const std::vector<search::LabelledBlocks>& s_val_init, std::int64_t classes,
                                     const FoldValidationOptions& o, std::uint64_t seed);

}  // namespace hcdc::condense
