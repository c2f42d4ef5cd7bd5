#include "hcdc/run/experiment_results.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <functional>
#include <numeric>

#include "hcdc/core/error.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/search/score_metric.hpp"

namespace hcdc::run {

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double stdev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double m = mean_of(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

std::string run_tag(const std::string& method, double budget, std::int64_t seed) {
  return fmt::format("{}@{:.1f}%#{}", method, 100 * budget, seed);
}

PriorRuns read_finished_runs(const std::string& res_path, const std::string& experiment_key, const Truth& truth,
                             std::size_t num_candidates, const std::string& proxy_score, bool log) {
  PriorRuns out;
  try {
    auto f = io::H5File::open_read(res_path);
    if (f.has_attr("experiment_key") && f.attr_string("experiment_key") == experiment_key) {
      auto old = io::read_results(res_path);
      for (const auto& row : read_summary(res_path)) {
        std::string tag = run_tag(row.method, row.budget, row.seed);
        std::vector<io::ResultRow> rows;
        for (const auto& r : old.rows)
          if (r.proxy == tag) rows.push_back(r);
        if (rows.size() != num_candidates) continue;
        // The metrics by this build, from the run's rows (a file from before a metric existed
        // has none for it); the timings are the run's own.
        SummaryRow kept = row;
        kept.m = proxy_metrics(rows, truth, proxy_score);
        kept.m.proxy_seconds = row.m.proxy_seconds;
        kept.m.condense_seconds = row.m.condense_seconds;
        out.done[tag] = {kept, rows};
      }
      if (log) spdlog::info("experiment: {} runs already finished in {}; continuing from there", out.done.size(), res_path);
    } else if (f.has_attr("runs_done") ? f.attr_int("runs_done") > 0 : f.exists("summary/method")) {
      out.foreign = true;
    }
  } catch (const InputError& err) {
    if (log) spdlog::warn("experiment: ignoring unreadable {}: {}", res_path, err.what());
  }
  return out;
}

void write_experiment_results(const std::string& path, const JobSpec& job, const std::vector<search::Candidate>& cands,
                              const Truth& truth, const std::vector<const FinishedRun*>& runs,
                              const ExperimentTotals& totals) {
  const ExperimentSpec& e = job.experiment;
  io::Results results = results_of(job, cands, truth.rows);
  std::vector<SummaryRow> summary;
  for (const auto* r : runs) {
    summary.push_back(r->first);
    results.rows.insert(results.rows.end(), r->second.begin(), r->second.end());
  }
  io::write_results(path, results, [&](io::H5File& f) {
    write_summary(f, summary);
    f.set_attr("experiment_key", totals.experiment_key);
    f.set_attr("runs_done", static_cast<std::int64_t>(summary.size()));
    f.set_attr("runs_total", totals.runs_total);
    f.set_attr("noise_ceiling", totals.ceiling);
    f.set_attr("whole_perf", totals.whole_perf);
    f.set_attr("best_test_acc", totals.best_test);
    f.set_attr("original_search_seconds", truth.search_seconds);
    f.set_attr("proxy_score", e.evaluate.proxy_score);
    f.set_attr("truth_spread", truth_spread(truth));
    f.set_attr("baseline_split", condense::baseline_split_names()[static_cast<std::size_t>(e.baseline_split)]);
    f.set_attr("metric", search::score_metric_name(e.evaluate.truth.metric));
  });
}

std::string summary_tables(const std::vector<std::string>& methods, const std::vector<double>& budgets,
                           const std::vector<SummaryRow>& all, const std::string& metric_name) {
  std::map<std::pair<std::string, double>, std::vector<SummaryRow>> table;
  for (const auto& r : all) table[{r.method, r.budget}].push_back(r);
  // One markdown table: a column pair per budget, `cell` renders one (method, budget) cell.
  auto render = [&](const std::vector<std::string>& heads,
                    const std::function<std::string(const std::vector<SummaryRow>&)>& cell, bool with_solves) {
    std::string t = "| method |";
    for (double b : budgets)
      for (const auto& h : heads) t += fmt::format(" {} @ {:.3g}% |", h, 100 * b);
    t += with_solves ? " diverged solves |\n|---|" : "\n|---|";
    for (std::size_t i = 0; i < budgets.size() * heads.size(); ++i) t += "---|";
    t += with_solves ? "---|\n" : "\n";
    for (const auto& method : methods) {
      t += fmt::format("| {} |", method);
      std::int64_t solves = 0, skipped = 0;
      for (double b : budgets) {
        const auto& runs = table[{method, b}];
        for (const auto& r : runs) {
          solves += r.solves;
          skipped += r.skipped_solves;
        }
        t += cell(runs);
      }
      if (with_solves) t += solves > 0 ? fmt::format(" {} of {} |", skipped, solves) : " – |";
      t += "\n";
    }
    return t;
  };
  auto pm = [](const std::vector<SummaryRow>& runs, auto get, double scale, int digits) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(scale * get(r.m));
    return fmt::format(" {:.{}f} ± {:.{}f} |", mean_of(v), digits, stdev(v), digits);
  };
  std::string md = render({"ρ", "Perf"},
                          [&](const std::vector<SummaryRow>& runs) {
                            return pm(runs, [](const ProxyMetrics& m) { return m.rho; }, 1, 2) +
                                   pm(runs, [](const ProxyMetrics& m) { return m.perf; }, 100, 1);
                          },
                          true);
  md += "\nHard-space metrics: ρ over the better half of the candidates by ground truth (`rho_top`), how many of "
        "the ground truth's top 5 are in the proxy's top 5, and the regret of the proxy's pick (points of validation "
        + metric_name + ").\n\n";
  md += render({"ρ_top", "top-5", "regret"},
               [&](const std::vector<SummaryRow>& runs) {
                 return pm(runs, [](const ProxyMetrics& m) { return m.rho_top; }, 1, 2) +
                        pm(runs, [](const ProxyMetrics& m) { return m.top5; }, 5, 1) +
                        pm(runs, [](const ProxyMetrics& m) { return m.regret; }, 100, 1);
               },
               false);
  return md;
}

}  // namespace hcdc::run
