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
#include <random>

#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;
using search::Candidate;
using search::LabelledBlocks;

struct Truth {
  std::vector<double> val_acc, val_loss, test_acc;  // mean over seeds, per candidate
  std::vector<double> noise_val_acc;                // a second ground truth on disjoint seeds
  double search_seconds = 0;                        // one training per candidate (seed 0)
  std::vector<io::ResultRow> rows;
};

std::string truth_key(const JobSpec& job, const std::string& dataset) {
  const auto& e = job.experiment;
  return string_digest(fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", file_digest(dataset), e.space.kind,
                                   e.space.order, e.space.basis, e.space.num_candidates, e.space.low, e.space.high,
                                   e.space.seed, e.space.hidden, e.space.layers, e.evaluate.truth.epochs,
                                   e.evaluate.truth.lr, e.evaluate.truth.weight_decay,
                                   e.evaluate.truth_seeds * 10 + e.evaluate.noise_ceiling) +
                       (e.evaluate.normalize_features ? "n" : "r"));
}

Truth compute_truth(const condense::GraphTask& task, const std::vector<Candidate>& cands, const ExperimentSpec& e) {
  Truth t;
  const int seeds = e.evaluate.truth_seeds;
  const int total_seeds = e.evaluate.noise_ceiling ? 2 * seeds : seeds;
  Progress progress("ground truth", static_cast<std::int64_t>(cands.size()) * total_seeds);
  for (std::size_t c = 0; c < cands.size(); ++c) {
    double va = 0, vl = 0, ta = 0, na = 0;
    for (int s = 0; s < total_seeds; ++s) {
      auto r = search::train_and_score(cands[c], task.train, task.val, &task.test, task.num_classes,
                                       static_cast<std::uint64_t>(s), e.evaluate.truth);
      progress.step();
      if (s < seeds) {
        va += r.val_acc / seeds;
        vl += r.val_loss / seeds;
        ta += r.test_acc / seeds;
        t.rows.push_back({static_cast<std::int64_t>(c), "whole", s, r.val_acc, r.val_loss, r.test_acc, r.seconds});
        if (s == 0) t.search_seconds += r.seconds;
      } else {
        na += r.val_acc / seeds;
        t.rows.push_back({static_cast<std::int64_t>(c), "whole-noise", s, r.val_acc, r.val_loss, r.test_acc, r.seconds});
      }
    }
    t.val_acc.push_back(va);
    t.val_loss.push_back(vl);
    t.test_acc.push_back(ta);
    t.noise_val_acc.push_back(na);
  }
  return t;
}

Truth truth_from_rows(const std::vector<io::ResultRow>& rows, std::size_t n, int seeds) {
  Truth t;
  t.val_acc.assign(n, 0);
  t.val_loss.assign(n, 0);
  t.test_acc.assign(n, 0);
  t.noise_val_acc.assign(n, 0);
  for (const auto& r : rows) {
    auto c = static_cast<std::size_t>(r.candidate);
    if (r.proxy == "whole") {
      t.val_acc[c] += r.score / seeds;
      t.val_loss[c] += r.val_loss / seeds;
      t.test_acc[c] += r.test_acc / seeds;
      if (r.seed == 0) t.search_seconds += r.seconds;
    } else {
      t.noise_val_acc[c] += r.score / seeds;
    }
  }
  t.rows = rows;
  return t;
}

std::vector<std::vector<double>> lambdas(const std::vector<Candidate>& cands) {
  std::vector<std::vector<double>> out;
  for (const auto& c : cands) out.push_back(c.lambda);
  return out;
}
std::vector<std::string> names(const std::vector<Candidate>& cands) {
  std::vector<std::string> out;
  for (const auto& c : cands) out.push_back(c.name);
  return out;
}

// A results file's common part: the rows so far, the job's seed and config, the candidates.
io::Results results_of(const JobSpec& job, const std::vector<Candidate>& cands, std::vector<io::ResultRow> rows) {
  io::Results r;
  r.rows = std::move(rows);
  r.seed = static_cast<std::int64_t>(job.seed);
  r.config = job.text;
  r.candidate_lambda = lambdas(cands);
  r.candidate_name = names(cands);
  return r;
}

Truth load_or_compute_truth(const JobSpec& job, const std::string& dataset, const condense::GraphTask& task,
                            const std::vector<Candidate>& cands) {
  const std::string path = job.output_dir + "/truth.h5";
  const std::string key = truth_key(job, dataset);
  if (fs::exists(path)) {
    try {
      io::validate_file(path);
      auto f = io::H5File::open_read(path);
      if (f.has_attr("truth_key") && f.attr_string("truth_key") == key) {
        spdlog::info("ground truth: reusing {}", path);
        return truth_from_rows(io::read_results(path).rows, cands.size(), job.experiment.evaluate.truth_seeds);
      }
      spdlog::info("ground truth: {} was computed for another dataset/space/settings; recomputing", path);
    } catch (const InputError& e) {
      spdlog::warn("ground truth: ignoring unreadable cache {}: {}", path, e.what());
    }
  }
  Truth t = compute_truth(task, cands, job.experiment);
  io::write_results(path, results_of(job, cands, t.rows), [&](io::H5File& f) { f.set_attr("truth_key", key); });
  return t;
}

struct Metrics {
  double rho = 0, rho_acc = 0, tau = 0, regret = 0, perf = 0, proxy_seconds = 0, condense_seconds = 0;
};

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
  std::map<std::pair<std::string, double>, std::vector<Metrics>> table;
  std::vector<std::string> s_method;
  std::vector<double> s_budget, s_rho, s_rho_acc, s_tau, s_regret, s_perf, s_proxy_s, s_cond_s;
  std::vector<std::int64_t> s_seed;

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

        std::vector<double> proxy, proxy_acc;
        Metrics m;
        m.condense_seconds = pair.seconds;
        for (std::size_t c = 0; c < cands.size(); ++c) {
          auto r = search::train_and_score(cands[c], pair.s_train, pair.s_val, &task.test, task.num_classes,
                                           static_cast<std::uint64_t>(seed), e.evaluate.proxy);
          proxy.push_back(e.evaluate.proxy_score == "loss" ? -r.val_loss : r.val_acc);
          proxy_acc.push_back(r.val_acc);
          m.proxy_seconds += r.seconds;
          results.rows.push_back({static_cast<std::int64_t>(c), tag, seed, r.val_acc, r.val_loss, r.test_acc, r.seconds});
        }
        m.rho = search::spearman_rho(proxy, truth.val_acc);
        m.rho_acc = search::spearman_rho(proxy_acc, truth.val_acc);
        m.tau = search::kendall_tau_b(proxy, truth.val_acc);
        m.regret = search::top1_regret(proxy, truth.val_acc);
        m.perf = truth.test_acc[search::argmax(proxy)];
        table[{method, b}].push_back(m);
        s_method.push_back(method);
        s_budget.push_back(b);
        s_seed.push_back(seed);
        s_rho.push_back(m.rho);
        s_rho_acc.push_back(m.rho_acc);
        s_tau.push_back(m.tau);
        s_regret.push_back(m.regret);
        s_perf.push_back(m.perf);
        s_proxy_s.push_back(m.proxy_seconds);
        s_cond_s.push_back(m.condense_seconds);
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
    f.write_strings("summary/method", s_method);
    f.write("summary/budget", s_budget);
    f.write("summary/seed", s_seed);
    f.write("summary/rho", s_rho);
    f.write("summary/rho_accuracy", s_rho_acc);
    f.write("summary/tau", s_tau);
    f.write("summary/regret", s_regret);
    f.write("summary/perf", s_perf);
    f.write("summary/proxy_seconds", s_proxy_s);
    f.write("summary/condense_seconds", s_cond_s);
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
