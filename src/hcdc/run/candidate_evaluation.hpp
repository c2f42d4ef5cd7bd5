#pragma once
// Scoring the candidates of a search space — the work `hcdc run` and `hcdc evaluate` share:
//  * ground truth: each candidate trained on the original train split, scored on the original
//    validation split, several seeds (plus as many disjoint seeds for the noise ceiling);
//  * proxy: each candidate trained on a condensed S_train, scored on S_val;
// and the ranking metrics of a proxy against the ground truth. Every function takes a candidate
// range [begin, end), so ranks and job-array tasks can each score their own slice.
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/search/batched_training.hpp"

namespace hcdc::run {

struct CandidateRange {
  std::int64_t begin = 0, end = 0;
};

struct Truth {
  std::vector<double> val_score, val_loss, test_score;  // mean over seeds, per candidate
  std::vector<double> noise_val_score;                // a second ground truth on disjoint seeds
  double search_seconds = 0;                        // one training per candidate (seed 0)
  std::vector<io::ResultRow> rows;
  std::string key;  // its truth_key, when it came from load_or_compute_truth
};

// [evaluate] keys that change only the proxy's scoring, never the ground truth.
inline const std::vector<std::string> kProxyOnlyKeys{"evaluate.proxy_epochs", "evaluate.proxy_lr",
                                                     "evaluate.proxy_weight_decay", "evaluate.proxy_score"};
// [evaluate] keys left out of the ground truth's identity: the proxy's own, and how candidates
// are batched, which changes a score by float rounding only (search/batched_training.hpp).
inline const std::vector<std::string> kNotTruthKeys{"evaluate.proxy_epochs", "evaluate.proxy_lr",
                                                    "evaluate.proxy_weight_decay", "evaluate.proxy_score",
                                                    "evaluate.batch_candidates"};
// The identity of a ground truth: a digest of the dataset's bytes, the generated candidate list
// (names, λ, widths, depths), the truth training settings and every [search]/[evaluate] key but
// kNotTruthKeys. A cached truth file is reused only when its `truth_key` attribute matches.
std::string truth_key(const JobSpec& job, const std::string& dataset, const std::vector<search::Candidate>& cands);
// Whether the results file at `path` (validated first; InputError if it is not a valid file)
// carries the given ground-truth key.
bool has_truth_key(const std::string& path, const std::string& key);

// Ground-truth rows of candidates [begin, end): proxy "whole" for seeds 0..s-1 and
// "whole-noise" for seeds s..2s-1 (when the noise ceiling is on), candidate-major.
std::vector<io::ResultRow> truth_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const ExperimentSpec& e);
// Per-candidate means of rows covering all n candidates. The rows are checked first: candidate ids
// in [0, n), ground-truth proxies and seeds only, every (candidate, seed) exactly once; else
// InputError naming `path` and the field.
Truth truth_from_rows(const std::vector<io::ResultRow>& rows, std::size_t n, int seeds, bool noise_ceiling,
                      const std::string& path);
// The ground truth in a results file, checked against this job's candidates (names and count).
Truth read_truth(const std::string& path, const JobSpec& job, const std::vector<search::Candidate>& cands);
// Collective: the ground truth in <output_dir>/truth.h5 when its key matches (rank 0 decides,
// every rank reads it), else computed with the candidates split across ranks and written by rank 0.
Truth load_or_compute_truth(const JobSpec& job, const std::string& dataset, const condense::GraphTask& task,
                            const std::vector<search::Candidate>& cands, dist::Communicator& comm);

// Proxy rows of candidates [begin, end): trained on s_train with `seed`, scored on s_val and on
// the original test split; proxy name `tag`.
std::vector<io::ResultRow> proxy_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const search::LabelledBlocks& s_train,
                                      const search::LabelledBlocks& s_val, std::int64_t seed,
                                      const ExperimentSpec& e, const std::string& tag);

struct ProxyMetrics {
  double rho = 0, rho_acc = 0, tau = 0, regret = 0, perf = 0, proxy_seconds = 0, condense_seconds = 0;
  // Hard-space metrics (search/rank_metrics.hpp): ρ over the better half by ground truth, and the
  // share of the truth's top 5 among the proxy's top 5. NaN in files written before them (1.1).
  double rho_top = 0, top5 = 0;
};
// Ranking quality of a proxy whose rows cover every candidate once, in candidate order.
// proxy_score: "loss" ranks by −val_loss, "accuracy" by validation accuracy.
ProxyMetrics proxy_metrics(const std::vector<io::ResultRow>& rows, const Truth& truth, const std::string& proxy_score);
// How hard the space is: max − min of the ground truth's validation scores.
double truth_spread(const Truth& truth);

// One summary row per (method, budget, seed) — written under summary/ of a results file.
// budget is a fraction of the graph's n nodes; the sizes it gave are c_train and c_val. solves and
// skipped_solves: HCDC's hypergradient solves and those that diverged (0 for other methods).
struct SummaryRow {
  std::string method;
  double budget = 0;
  std::int64_t c_train = 0, c_val = 0;
  std::int64_t seed = 0;
  std::int64_t solves = 0, skipped_solves = 0;
  ProxyMetrics m;
};
void write_summary(io::H5File& f, const std::vector<SummaryRow>& rows);
// The summary rows of a results file of schema 1.1 or later (none if it has no summary).
std::vector<SummaryRow> read_summary(const std::string& path);

// A results file's common part: the rows, the job's seed and config, the candidates.
io::Results results_of(const JobSpec& job, const std::vector<search::Candidate>& cands, std::vector<io::ResultRow> rows);

}  // namespace hcdc::run
