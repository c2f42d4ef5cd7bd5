#pragma once
// What a condensation experiment keeps in its results.h5 and prints, shared by the architecture
// experiment (run/experiment.hpp) and fold selection (run/fold_selection.hpp): finished runs found
// in an earlier file (a killed job continues from them), the file itself, and the tables.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hcdc/run/candidate_evaluation.hpp"

namespace hcdc::run {

// One finished run: its summary row and its candidates' rows (proxy = its tag).
using FinishedRun = std::pair<SummaryRow, std::vector<io::ResultRow>>;

// "method@budget%#seed": a run's name in logs, rows and checkpoints.
std::string run_tag(const std::string& method, double budget, std::int64_t seed);

struct PriorRuns {
  std::map<std::string, FinishedRun> done;  // by tag
  bool foreign = false;  // the file holds finished runs of another experiment (key)
};
// The finished runs in `res_path` of the experiment `experiment_key` that cover all
// `num_candidates` candidates, with their metrics recomputed by this build against `truth`
// (their timings kept). An unreadable file is ignored with a warning.
PriorRuns read_finished_runs(const std::string& res_path, const std::string& experiment_key, const Truth& truth,
                             std::size_t num_candidates, const std::string& proxy_score, bool log);

struct ExperimentTotals {
  std::string experiment_key;
  std::int64_t runs_total = 0;
  double ceiling = 0, whole_perf = 0, best_test = 0;
};
// results.h5: the candidates, the ground truth's rows, then each finished run's rows and summary
// row in the order given, with the experiment's attributes; written atomically.
void write_experiment_results(const std::string& path, const JobSpec& job, const std::vector<search::Candidate>& cands,
                              const Truth& truth, const std::vector<const FinishedRun*>& runs,
                              const ExperimentTotals& totals);

// The markdown tables of the runs (rows = methods, columns = budgets, mean ± std over seeds): ρ
// and Perf, then the hard-space metrics (ρ_top, top-5, regret).
std::string summary_tables(const std::vector<std::string>& methods, const std::vector<double>& budgets,
                           const std::vector<SummaryRow>& runs, const std::string& metric_name);

double mean_of(const std::vector<double>& v);
double stdev(const std::vector<double>& v);  // sample standard deviation (n − 1); 0 below 2 values

}  // namespace hcdc::run
