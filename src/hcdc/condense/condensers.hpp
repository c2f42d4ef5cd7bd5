#pragma once
// One entry point for every condensation method, in the decoupled block representation.
//   random | kcenter | herding | gcond-x | gcond | dm : S_train (c_train nodes) condensed from the
//     original training nodes and S_val (c_val nodes) from the original validation nodes, each by
//     the method (BaselineSplit::kEqual, the default: every method spends the same c_train and
//     c_val); or, with kPaperRatio, c_train + c_val nodes from the training nodes split at random
//     keeping the original train:val ratio (the letter of the paper's §7, an extra labelled row);
//   hcdc : S_train (c_train nodes) from `hcdc_train_method`, S_val (c_val nodes) learned by HCDC.
#include <any>
#include <map>
#include <string>
#include <vector>

#include "hcdc/condense/hcdc.hpp"
#include "hcdc/condense/matching.hpp"
#include "hcdc/search/candidate_training.hpp"

namespace hcdc::condense {

struct GraphTask {  // the original data, as blocks (run::load_graph_task reads one from a file), or images
                   // (N×C×H×W samples; run::load_image_task)
  search::LabelledBlocks train, val, test;
  std::int64_t num_classes = 0;
  std::int64_t num_nodes = 0;
  // For message-passing candidates (loaded only for them): each split as labelled nodes of the
  // whole graph (x: every node's features, graph: its operators, nodes: the split's node ids in
  // the order of train/val/test's rows).
  search::LabelledBlocks graph_train, graph_val, graph_test;
};

// Whether the task's samples are images (N×C×H×W) rather than feature blocks or node features.
inline bool is_image_task(const GraphTask& t) { return t.train.x.defined() && t.train.x.dim() == 4; }

// How a method that does not learn S_val spends its budget (see the top of this file).
enum class BaselineSplit { kEqual, kPaperRatio };
const std::vector<std::string>& baseline_split_names();  // "equal", "paper-ratio", in enum order
BaselineSplit parse_baseline_split(const std::string& name);  // a name from baseline_split_names()

struct CondenseSettings {
  std::string method;
  BaselineSplit split = BaselineSplit::kEqual;
  std::int64_t c_train = 0, c_val = 0;
  std::uint64_t seed = 0;
  std::string hcdc_train_method = "random";
  // The candidates propagate inside every layer (search::is_message_passing): HCDC's S_train and
  // S_val start as real nodes picked by hcdc_train_method, with the structure they induce.
  bool message_passing = false;
  // The methods' own options by job section (CondensationMethod::section), e.g. "matching" →
  // MatchingOptions; a method without its section here uses its defaults.
  std::map<std::string, std::any> sections;
  HcdcOptions hcdc;
  std::vector<search::Candidate> hcdc_trajectories;  // the candidates HCDC walks
};

struct CondensedPair {
  search::LabelledBlocks s_train, s_val;
  // Coresets under the equal split: the rows of task.train and task.val they picked (undefined
  // for learned sets), from which message-passing candidates get the induced subgraph.
  torch::Tensor s_train_rows, s_val_rows;
  // A structure over S_train ∪ S_val (M × M, S_train's nodes first), or undefined: GCond's learned
  // A' (block-diagonal when S_train and S_val are condensed apart: no edges between them);
  // for message-passing candidates also GCond-X's empty graph, and a coreset's induced subgraph
  // once it is written to a file (condense/dense_graph_proxy.hpp).
  torch::Tensor adjacency;
  std::vector<double> history;       // method loss per iteration (alignment loss for hcdc)
  double seconds = 0;
  int solves = 0, skipped_solves = 0;  // hcdc: hypergradient solves, and those that diverged
};

// HCDC's starting point: S_train from the chosen standard method and a seeded S_val, as
// HcdcOptions::sval_start says: real validation samples (by default; a random class-balanced pick
// of images, the S_train method's pick of validation rows or nodes) or random features at the
// data's scale. Logs the start's scale against hcdc.sval_lr.
struct HcdcStart {
  HcdcData data;
  torch::Tensor s_val_init;
  torch::Tensor adjacency;
  torch::Tensor s_train_rows, s_val_rows;  // message passing: the starting nodes (rows of task.train / task.val)
};
HcdcStart prepare_hcdc(const GraphTask& task, const CondenseSettings& s);
// The condensed pair an HCDC learner ended with (S_train from its start, the learned S_val).
CondensedPair finished_pair(const HcdcStart& start, const HcdcLearner& learner, double seconds);

// The adjacency over S_train ∪ S_val of two sets condensed apart (n_a and n_b nodes): `a` and `b`
// on the diagonal (an undefined one: no edges), nothing between them; undefined if both are.
torch::Tensor block_diagonal_adjacency(const torch::Tensor& a, std::int64_t n_a, const torch::Tensor& b, std::int64_t n_b);

// The registered methods (condense/method.hpp), by name in listing order: those that select a
// whole condensed set by themselves, and all of them (with those that learn S_val, as HCDC).
std::vector<std::string> standard_methods();
std::vector<std::string> method_names();
// Coresets pick distinct original samples, so a class cannot give more than it has.
bool is_coreset(const std::string& method);
// Why `s` cannot run on `task` (a class asked for more distinct samples than it has), or "" when it
// can: checked for every run before an experiment starts any work.
std::string infeasibility(const GraphTask& task, const CondenseSettings& s);
CondensedPair condense(const GraphTask& task, const CondenseSettings& s, const Reducer& reduce = {});

}  // namespace hcdc::condense
