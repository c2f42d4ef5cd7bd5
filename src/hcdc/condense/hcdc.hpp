#pragma once
// HCDC: learn the synthetic validation set S_val so that hypergradients on S agree in direction
// with those on the original data T along the HPO trajectories of the candidates:
//   min_{S_val} Σ_λ (1 − cos(g_T(λ), g_S(λ)))
// S_train is fixed (from any standard method). Every trajectory starts at a candidate's λ and
// descends g_S (the extended search space). The S_val gradient of each term comes from the adjoint
// form (one extra solve); the sum over trajectories is passed to a reducer (an all-reduce across
// ranks in distributed runs) before every rank applies the same Adam update.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <vector>

#include "hcdc/dist/reducer.hpp"
#include "hcdc/hypergrad/solvers.hpp"
#include "hcdc/models/model_family.hpp"
#include "hcdc/search/candidate_training.hpp"

namespace hcdc::condense {

// Where g_T is evaluated (notes §3): at the trajectory's θ trained on S_train, as Algorithm 1 and
// gradient matching do (cheap), or at a second θ_T trained on T's train split from the same θ_0
// under the same λ (one more inner training per trajectory).
enum class GtTheta { kSTrain, kTTrain };

// What a job's [hcdc] solver keys start from. HCDC solves once per trajectory and S_val update,
// at a θ that is still training: a short, damped series (5 terms, α 0.5) is the usual trade-off
// (the paper's implementation uses a few Neumann terms), where one-off hypergradients ([solver])
// default to a long, safe one (20 terms, α 0.01).
inline const hypergrad::SolverOptions kHcdcSolverDefaults = [] {
  hypergrad::SolverOptions o;
  o.neumann_terms = 5;
  o.neumann_alpha = 0.5;
  o.cg_max_iterations = 20;
  o.cg_tolerance = 1e-4;
  return o;
}();

struct HcdcOptions {
  int outer_iterations = 4;   // K_outer: fresh θ for every trajectory each time
  int trajectory_steps = 60;  // T_θ
  int lambda_every = 20;      // T_λ
  double lambda_lr = 0.05;    // η_λ
  double max_lambda_step = 0.2;
  double sval_lr = 0.01;      // η_S (Adam)
  double theta_lr = 0.01;
  double weight_decay = 5e-4;
  GtTheta g_t_theta = GtTheta::kSTrain;
  // g_T from a minibatch of the original data instead of all of it: this many training rows (the
  // Hessian-vector products) and validation rows (∇ L_val), drawn afresh for every solve from a
  // seed of (run seed, outer iteration, step, trajectory), so S_val does not depend on the rank
  // count. 0: every row (Algorithm 1). Memory and time of a solve then scale with the rows, not
  // with the graph.
  std::int64_t g_t_train_rows = 0, g_t_val_rows = 0;
  hypergrad::SolverOptions solver;
  // How a trajectory's architecture weights act (families whose λ weight discrete choices: the
  // image cell). kMixture: λ mixes every operation (DARTS-style; a candidate is its one-hot λ).
  // kGdas: λ are logits, starting at gdas_start_logit on the candidate's operations and 0 elsewhere;
  // every θ step draws fresh Gumbel noise (seeded by run seed, outer iteration, step, trajectory),
  // trains the one sampled cell, and the S_val step's hypergradients take the straight-through
  // gradient at that draw (GDAS, Dong & Yang 2019).
  enum class ArchitectureSampling { kMixture, kGdas };
  ArchitectureSampling architecture_sampling = ArchitectureSampling::kMixture;
  double gdas_temperature = 1.0;   // τ of the straight-through softmax
  double gdas_start_logit = 3.0;   // e^3 / (e^3 + 4): the candidate's operation is drawn 83 % of the time among 5
  // Where S_val starts (condense::prepare_hcdc). kValidation: real validation samples picked by
  // the S_train method (a random class-balanced pick for images), so HCDC refines the very pair
  // that method would hand in. kNoise: Algorithm 1's letter, random features at the data's scale
  // with labels in proportion to the validation classes; on images, Cora and the arxiv-scale cSBM
  // that start ranked worse than the real samples it replaces (docs/results/sval_start.md).
  enum class SvalStart { kValidation, kNoise };
  SvalStart sval_start = SvalStart::kValidation;
};

struct HcdcData {
  search::LabelledBlocks t_train, t_val, s_train;
  torch::Tensor s_val_y;
  std::int64_t num_classes = 0;
  // Message-passing candidates (condense/induced_subgraph.hpp): t_train/t_val are labelled nodes of
  // the original graph, s_train S_train's nodes on their own subgraph, and S_val's nodes follow
  // S_train's in s_graph (S_val's features are what HCDC learns; S_train's are fixed). Null for
  // feature blocks.
  std::shared_ptr<const models::GraphOperators> s_graph;
};

// Per-trajectory contribution rows of this rank are summed over all ranks by a dist::Reducer
// (dist::make_reducer across ranks; dist::local_reducer in one process).
using dist::Contributions;
using dist::Reducer;

class HcdcLearner {
 public:
  // `trajectories`: every candidate walked (all ranks pass the same list); `owned`: the indices this
  // rank walks. `s_val_init`: the random initial S_val (n_val × (K+1) × F).
  HcdcLearner(HcdcData data, std::vector<search::Candidate> trajectories, std::vector<std::int64_t> owned,
              torch::Tensor s_val_init, HcdcOptions o, std::uint64_t seed, Reducer reduce);

  // One θ step of every owned trajectory; on λ steps also the S_val update. False when done.
  bool step();
  bool finished() const { return outer_ >= o_.outer_iterations; }
  std::int64_t total_steps() const { return static_cast<std::int64_t>(o_.outer_iterations) * o_.trajectory_steps; }
  std::int64_t steps_done() const { return static_cast<std::int64_t>(outer_) * o_.trajectory_steps + t_; }

  const torch::Tensor& s_val() const { return s_val_; }
  // Mean alignment loss 1 − cos over the trajectories (all ranks) at each S_val update.
  const std::vector<double>& alignment_history() const { return history_; }
  // Hypergradient solves (one per trajectory and S_val update, over all ranks) so far, and how many
  // of them diverged and were left out of the S_val gradient.
  int solves() const {
    const int per_outer = o_.trajectory_steps / o_.lambda_every;
    return static_cast<int>(cands_.size()) * (outer_ * per_outer + t_ / o_.lambda_every);
  }
  int skipped_solves() const { return skipped_; }

  // Restartable state: S_val, its optimiser, counters, history and every owned trajectory's
  // θ, λ and optimiser, serialised per trajectory (so a resume may re-slice across ranks).
  std::string serialize_trajectory(std::size_t owned_position) const;
  void restore_trajectory(std::size_t owned_position, const std::string& blob);
  std::string serialize_sval_optimizer() const;
  void restore(const torch::Tensor& s_val, const std::string& sval_optimizer, int outer, int t,
               std::vector<double> history, int skipped);
  int outer() const { return outer_; }
  int t() const { return t_; }
  const std::vector<std::int64_t>& owned() const { return owned_; }

  // θ of owned trajectory k: trained on S_train, or θ_T trained on T (GtTheta::kTTrain only).
  torch::Tensor trajectory_theta(std::size_t owned_position, bool on_t = false) const;

  // Alignment loss Σ (1 − cos) of the current S_val at given (θ, λ) pairs (for tests/diagnostics); under GDAS
  // at one fixed draw (of the run seed).
  double alignment_loss(const search::Candidate& c, const torch::Tensor& theta, const torch::Tensor& lambda) const;

 private:
  struct Trajectory {
    std::int64_t index;
    std::shared_ptr<models::ModelFamily> model;
    torch::Tensor theta, lambda;
    std::unique_ptr<torch::optim::Adam> opt;
    torch::Tensor theta_t;  // GtTheta::kTTrain only
    std::unique_ptr<torch::optim::Adam> opt_t;
    // The θ-independent mix of S_train (and T's train split) at this λ, for families with a batched
    // forward; undefined until the next θ step computes it, and cleared whenever λ changes.
    torch::Tensor prepared, prepared_t;
  };
  void restart_trajectories();
  // The candidate's model as a trajectory runs it (GDAS sampling switched on where configured).
  std::shared_ptr<models::ModelFamily> trajectory_model(const search::Candidate& c) const;
  // The contribution row of one trajectory: [∂(1 − cos)/∂S_val (flattened), 1 − cos, 1], or
  // zeros when a solve failed.
  torch::Tensor contribute(Trajectory& tr);

  HcdcData d_;
  std::vector<search::Candidate> cands_;
  std::vector<std::int64_t> owned_;
  HcdcOptions o_;
  std::uint64_t seed_;
  Reducer reduce_;
  torch::Tensor s_val_;
  std::unique_ptr<torch::optim::Adam> s_opt_;
  std::vector<Trajectory> trajs_;
  int outer_ = 0, t_ = 0, skipped_ = 0;
  std::vector<double> history_;
};

// ∂(1 − cos(a, b))/∂b.
torch::Tensor cosine_distance_grad(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace hcdc::condense
