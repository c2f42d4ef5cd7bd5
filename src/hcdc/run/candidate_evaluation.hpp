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
#include "hcdc/io/results_file.hpp"
#include "hcdc/run/job.hpp"

namespace hcdc::run {

struct CandidateRange {
  std::int64_t begin = 0, end = 0;
};

struct Truth {
  std::vector<double> val_acc, val_loss, test_acc;  // mean over seeds, per candidate
  std::vector<double> noise_val_acc;                // a second ground truth on disjoint seeds
  double search_seconds = 0;                        // one training per candidate (seed 0)
  std::vector<io::ResultRow> rows;
};

// What a ground truth depends on (dataset bytes, search space, training settings): a cached
// truth file is reused only when its `truth_key` attribute matches.
std::string truth_key(const JobSpec& job, const std::string& dataset);
// Whether the results file at `path` (validated first; InputError if it is not a valid file)
// carries the given ground-truth key.
bool has_truth_key(const std::string& path, const std::string& key);

// Ground-truth rows of candidates [begin, end): proxy "whole" for seeds 0..s-1 and
// "whole-noise" for seeds s..2s-1 (when the noise ceiling is on), candidate-major.
std::vector<io::ResultRow> truth_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const ExperimentSpec& e);
// Per-candidate means of rows covering all n candidates.
Truth truth_from_rows(const std::vector<io::ResultRow>& rows, std::size_t n, int seeds);
// The ground truth in <output_dir>/truth.h5 when its key matches, else computed and written there.
Truth load_or_compute_truth(const JobSpec& job, const std::string& dataset, const condense::GraphTask& task,
                            const std::vector<search::Candidate>& cands);

// Proxy rows of candidates [begin, end): trained on s_train with `seed`, scored on s_val and on
// the original test split; proxy name `tag`.
std::vector<io::ResultRow> proxy_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const search::LabelledBlocks& s_train,
                                      const search::LabelledBlocks& s_val, std::int64_t seed,
                                      const ExperimentSpec& e, const std::string& tag);

struct ProxyMetrics {
  double rho = 0, rho_acc = 0, tau = 0, regret = 0, perf = 0, proxy_seconds = 0, condense_seconds = 0;
};
// Ranking quality of a proxy whose rows cover every candidate once, in candidate order.
// proxy_score: "loss" ranks by −val_loss, "accuracy" by validation accuracy.
ProxyMetrics proxy_metrics(const std::vector<io::ResultRow>& rows, const Truth& truth, const std::string& proxy_score);

// One summary row per (method, budget, seed) — written under summary/ of a results file.
struct SummaryRow {
  std::string method;
  double budget = 0;
  std::int64_t seed = 0;
  ProxyMetrics m;
};
void write_summary(io::H5File& f, const std::vector<SummaryRow>& rows);

// A results file's common part: the rows, the job's seed and config, the candidates.
io::Results results_of(const JobSpec& job, const std::vector<search::Candidate>& cands, std::vector<io::ResultRow> rows);

}  // namespace hcdc::run
