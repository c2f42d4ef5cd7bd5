#pragma once
// The sections of a condensation experiment (the Table-2 job): [search], [evaluate],
// [condense], the methods' own sections ([matching], ...: condense/method.hpp), [hcdc].
#include <any>
#include <map>
#include <string>
#include <vector>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/config/strict_table.hpp"
#include "hcdc/search/candidate_training.hpp"
#include "hcdc/search/transfer_training.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::run {

struct EvaluateSpec {
  search::TrainSettings truth{200, 0.01, 5e-4};  // ground truth: candidates on the original data
  search::TrainSettings proxy{200, 0.01, 5e-4};  // proxy: candidates on S_train
  int truth_seeds = 3;        // ground truth = mean over these seeds
  bool noise_ceiling = true;  // also a second ground truth on disjoint seeds
  std::string proxy_score = "loss";  // loss | accuracy: what ranks candidates on the proxy
  bool normalize_features = true;    // row-normalise node features (as the Planetoid baselines)
  // Candidates of one shape trained together (search/batched_training.hpp); 0: as many as a
  // quarter of the available memory holds; 1: one at a time.
  std::int64_t batch_candidates = 0;
};

struct DistSpec {
  std::string backend = "mpi";  // mpi: MPI on CPU tensors; nccl: NCCL all-reduce on the GPU (builds with NCCL)
  // Bit-identical S_val for any number of ranks (the default); false: a plain all-reduce whose
  // summation order depends on the rank count ("fast" mode, README: Distributed runs).
  bool deterministic = true;
  int checksum_every = 0;       // cross-rank S_val checksum period (steps); 0: after every S_val update
  int checkpoint_every = 50;    // steps; 0: only at exit
  std::string checkpoint_dir;   // default <output_dir>/checkpoints
  int keep = 2;
  // One copy of the propagated graph blocks per node, shared read-only by its ranks (POSIX shared
  // memory in /dev/shm); false: every rank loads its own (dist/node_shared.hpp).
  bool share_on_node = true;
};

// [images]: how an image dataset (schema hcdc.image_set) becomes the experiment's task
// (run/image_task.hpp): a seeded, class-balanced subset of each split, average-pooled by `pool`
// and standardised per channel by the training subset's mean and spread. 0 per class: all.
struct ImageTaskSpec {
  std::int64_t train_per_class = 100, val_per_class = 50, test_per_class = 100;
  int pool = 2;
  std::uint64_t seed = 0;
};

struct ExperimentSpec {
  bool present = false;
  ImageTaskSpec images;
  search::SearchSpaceSpec space;
  EvaluateSpec evaluate;
  std::vector<std::string> methods;
  std::vector<double> budgets;        // c_train / n
  double val_fraction = 0.25;         // c_val = round(val_fraction · c_train)
  // How methods that do not learn S_val spend c_train and c_val (condense/condensers.hpp).
  condense::BaselineSplit baseline_split = condense::BaselineSplit::kEqual;
  std::vector<std::int64_t> seeds{0, 1, 2};
  std::string hcdc_train_method = "random";
  int hcdc_trajectories = 20;         // how many candidates HCDC walks (sampled from the space)
  double max_diverged_share = 0.1;    // a run with more diverged hypergradient solves fails
  std::map<std::string, std::any> method_sections;  // by section: the methods' own options
  condense::HcdcOptions hcdc;
  // `hcdc evaluate --proxy F --transfer`: candidates trained on S_train, scored on the original
  // validation and test splits (GCond's protocol, search/transfer_training.hpp).
  search::TransferSettings transfer;
  DistSpec dist;
};

ExperimentSpec parse_experiment(config::StrictTable& top);

// The settings of one condensation run of the experiment (budget fraction of n nodes).
condense::CondenseSettings condense_settings(const ExperimentSpec& e, const std::string& method, double budget,
                                             std::int64_t num_nodes, std::int64_t seed,
                                             std::vector<search::Candidate> trajectories);

// Throws InputError naming hcdc.max_diverged_share when more than that share of a run's
// hypergradient solves diverged: its S_val rests on too few trajectories to report a ranking.
void check_diverged_share(const ExperimentSpec& e, const std::string& file, const std::string& run, int solves,
                          int skipped);

// Message-passing candidates train on the condensed set's own graph: today only coresets under
// the equal split have one (the subgraph their nodes induce, condense/induced_subgraph.hpp), and
// HCDC inside an experiment (`in_experiment`; condensed files do not carry the structure yet)
// when its S_train method is a coreset. InputError naming `field` and every method of `methods`
// that has none, for such a family.
void check_methods_fit_family(const ExperimentSpec& e, const std::vector<std::string>& methods, const std::string& file,
                              const std::string& field, bool in_experiment);

// (c_train, c_val) for a budget fraction of n nodes.
std::pair<std::int64_t, std::int64_t> budget_sizes(const ExperimentSpec& e, double budget, std::int64_t num_nodes);
// The candidates HCDC walks: a seeded subset of the search space (their trajectories form the
// extended search space).
std::vector<search::Candidate> trajectory_subset(const ExperimentSpec& e, std::vector<search::Candidate> cands,
                                                 std::uint64_t job_seed);

}  // namespace hcdc::run
