#include "hcdc/run/experiment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;
using search::Candidate;
using search::LabelledBlocks;

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
double stdev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double m = mean(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

int run_experiment(const JobSpec& job, const std::string& dataset) {
  const ExperimentSpec& e = job.experiment;
  configure_threads(job.threads);
  condense::GraphTask task =
      condense::make_graph_task(dataset, e.space.basis, e.space.order, e.evaluate.normalize_features);
  auto cands = search::make_candidates(e.space, job.file);
  spdlog::info("experiment '{}': {} candidates, methods {}, budgets {}, seeds {}", job.name, cands.size(),
               fmt::join(e.methods, ","), fmt::join(e.budgets, ","), fmt::join(e.seeds, ","));
  Truth truth = load_or_compute_truth(job, dataset, task, cands);
  double ceiling = e.evaluate.noise_ceiling ? search::spearman_rho(truth.val_acc, truth.noise_val_acc) : std::nan("");
  std::size_t best_val = search::argmax(truth.val_acc);
  double whole_perf = truth.test_acc[best_val];
  double best_test = *std::max_element(truth.test_acc.begin(), truth.test_acc.end());
  spdlog::info("ground truth: val acc {:.3f}..{:.3f}; search on the original picks {} (test {:.4f}); best test {:.4f}; "
               "noise ceiling ρ = {:.3f}",
               *std::min_element(truth.val_acc.begin(), truth.val_acc.end()),
               *std::max_element(truth.val_acc.begin(), truth.val_acc.end()), cands[best_val].name, whole_perf,
               best_test, ceiling);

  // HCDC walks a seeded subset of the candidates (their trajectories form the extended space).
  std::vector<Candidate> trajectories = trajectory_subset(e, cands, job.seed);

  fs::create_directories(job.output_dir + "/condensed");
  io::Results results = results_of(job, cands, truth.rows);
  std::map<std::pair<std::string, double>, std::vector<ProxyMetrics>> table;
  std::vector<SummaryRow> summary;

  const std::int64_t runs = static_cast<std::int64_t>(e.budgets.size() * e.seeds.size() * e.methods.size());
  Progress progress("condense+evaluate", runs, 0.0);
  for (double b : e.budgets) {
    const auto c_train = budget_sizes(e, b, task.num_nodes).first;
    for (auto seed : e.seeds) {
      for (const auto& method : e.methods) {
        auto cs = condense_settings(e, method, b, task.num_nodes, seed, trajectories, job.file);
        auto pair = condense::condense(task, cs);
        std::string tag = fmt::format("{}@{:.1f}%#{}", method, 100 * b, seed);

        write_condensed_pair(fmt::format("{}/condensed/{}-{:.1f}pct-s{}.h5", job.output_dir, method, 100 * b, seed),
                             pair, job, dataset, method, c_train, seed, task.num_classes,
                             {{"condense_seconds", pair.seconds}});

        auto rows = proxy_rows(task, cands, {0, static_cast<std::int64_t>(cands.size())}, pair.s_train, pair.s_val,
                               seed, e, tag);
        ProxyMetrics m = proxy_metrics(rows, truth, e.evaluate.proxy_score);
        m.condense_seconds = pair.seconds;
        results.rows.insert(results.rows.end(), rows.begin(), rows.end());
        table[{method, b}].push_back(m);
        summary.push_back({method, b, seed, m});
        progress.step();
        spdlog::info("{}: |S_train| {} |S_val| {}: ρ {:.3f} (acc-ρ {:.3f}) τ {:.3f} regret {:.4f} perf {:.4f}; "
                     "condense {:.1f}s, proxy search {:.1f}s",
                     tag, pair.s_train.y.numel(), pair.s_val.y.numel(), m.rho, m.rho_acc, m.tau, m.regret, m.perf,
                     m.condense_seconds, m.proxy_seconds);
      }
    }
  }

  // The table: rows = methods, columns = budgets; ρ ± std and Perf ± std over seeds.
  std::string md = fmt::format("# {} — proxy ranking quality\n\n", job.name);
  md += fmt::format("Dataset `{}`, {} candidates ({} space, K = {}), proxy score: S_val {}. "
                    "Ground truth: validation accuracy on the original graph, mean of {} seeds.\n\n",
                    dataset, cands.size(), e.space.kind, e.space.order, e.evaluate.proxy_score, e.evaluate.truth_seeds);
  md += "| method |";
  for (double b : e.budgets) md += fmt::format(" ρ @ {:.1f}% | Perf @ {:.1f}% |", 100 * b, 100 * b);
  md += "\n|---|";
  for (std::size_t i = 0; i < e.budgets.size(); ++i) md += "---|---|";
  md += "\n";
  std::vector<double> all_proxy_seconds;
  for (const auto& method : e.methods) {
    md += fmt::format("| {} |", method);
    for (double b : e.budgets) {
      std::vector<double> rho, perf;
      for (const auto& m : table[{method, b}]) {
        rho.push_back(m.rho);
        perf.push_back(100 * m.perf);
        all_proxy_seconds.push_back(m.proxy_seconds);
      }
      md += fmt::format(" {:.2f} ± {:.2f} | {:.1f} ± {:.1f} |", mean(rho), stdev(rho), mean(perf), stdev(perf));
    }
    md += "\n";
  }
  double speedup = truth.search_seconds / mean(all_proxy_seconds);
  md += fmt::format("\nWhole graph: search on the original picks {} with test accuracy {:.1f}%; best test accuracy "
                    "among the candidates {:.1f}%. Noise ceiling (ρ between two ground truths on disjoint seeds): "
                    "{:.2f}.\n",
                    cands[best_val].name, 100 * whole_perf, 100 * best_test, ceiling);
  md += fmt::format("Search time: original {:.1f}s, proxy {:.1f}s on average: speed-up {:.1f}×.\n", truth.search_seconds,
                    mean(all_proxy_seconds), speedup);
  std::string md_path = job.output_dir + "/summary.md";
  std::ofstream(md_path) << md;

  std::string res_path = job.output_dir + "/results.h5";
  io::write_results(res_path, results, [&](io::H5File& f) {
    write_summary(f, summary);
    f.set_attr("noise_ceiling", ceiling);
    f.set_attr("whole_perf", whole_perf);
    f.set_attr("best_test_acc", best_test);
    f.set_attr("original_search_seconds", truth.search_seconds);
    f.set_attr("proxy_score", e.evaluate.proxy_score);
  });
  fmt::print("{}\nresults: {}\ntable: {}\n", md, res_path, md_path);
  return kExitOk;
}

}  // namespace hcdc::run
