#include "hcdc/run/fold_selection.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>

#include "hcdc/condense/fold_validation.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/config/canonical.hpp"
#include "hcdc/config/in_section.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/stop_signal.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/io/atomic_output.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/io/run_lock.hpp"
#include "hcdc/run/experiment_results.hpp"
#include "hcdc/run/experiment_task.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;
using search::Candidate;
using search::LabelledBlocks;

constexpr const char* kEarlyStop = "early-stop";
constexpr const char* kWholeFoldSuffix = "+whole-fold";  // folds.whole_fold_reference

LabelledBlocks rows_of(const LabelledBlocks& d, const std::vector<std::int64_t>& rows) {
  const torch::Tensor r = torch::tensor(rows, torch::kLong);
  return search::blocks_of(d.x.index_select(0, r), d.y.index_select(0, r));
}

struct Folds {
  std::vector<LabelledBlocks> val, train;  // fold i, and every sample but fold i's
};

// A seeded random split of the training samples into m folds whose sizes differ by at most one
// (not stratified: as the paper's "randomly split into M splits", so folds differ in difficulty).
Folds split_folds(const LabelledBlocks& d, int m, std::uint64_t seed) {
  const std::int64_t n = d.y.size(0);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  Folds f;
  for (int i = 0; i < m; ++i) {
    const auto [b, e] = dist::owned_range(n, i, m);
    std::vector<std::int64_t> in(order.begin() + b, order.begin() + e), out(order.begin(), order.begin() + b);
    out.insert(out.end(), order.begin() + e, order.end());
    std::sort(in.begin(), in.end());
    std::sort(out.begin(), out.end());
    f.val.push_back(rows_of(d, in));
    f.train.push_back(rows_of(d, out));
  }
  return f;
}

// The folds as the candidates of the results file: "fold-07", λ = its one-hot φ.
std::vector<Candidate> fold_candidates(int m, const Candidate& arch) {
  std::vector<Candidate> out;
  for (int i = 0; i < m; ++i) {
    Candidate c = arch;
    c.name = fmt::format("fold-{:02d}", i);
    c.lambda.assign(static_cast<std::size_t>(m), 0.0);
    c.lambda[static_cast<std::size_t>(i)] = 1.0;
    out.push_back(std::move(c));
  }
  return out;
}

// The architecture on fold i's training part, validated on fold i: seeds 0..s-1 ("whole") and
// s..2s-1 for the noise ceiling ("whole-noise").
std::vector<io::ResultRow> fold_truth_rows(const Candidate& arch, const Folds& folds, const condense::GraphTask& task,
                                           const ExperimentSpec& e) {
  const int seeds = e.evaluate.truth_seeds, total = e.evaluate.noise_ceiling ? 2 * seeds : seeds;
  const auto m = static_cast<std::int64_t>(folds.val.size());
  Progress progress("ground truth (folds)", m * total);
  std::vector<io::ResultRow> rows;
  for (std::int64_t i = 0; i < m; ++i)
    for (int s = 0; s < total; ++s) {
      const auto k = static_cast<std::size_t>(i);
      auto r = search::train_and_score(arch, folds.train[k], folds.val[k], &task.test, task.num_classes,
                                       static_cast<std::uint64_t>(s), e.evaluate.truth);
      rows.push_back({i, s < seeds ? "whole" : "whole-noise", s, r.val_score, r.val_loss, r.test_score, r.seconds});
      progress.step();
    }
  return rows;
}

// The ground truth, from <output_dir>/truth.h5 when it was computed for this architecture,
// split and settings, else computed and cached there.
Truth fold_truth(const JobSpec& job, const std::string& dataset, const Candidate& arch, const Folds& folds,
                 const condense::GraphTask& task, const std::vector<Candidate>& cands) {
  const ExperimentSpec& e = job.experiment;
  const std::string key = string_digest(truth_key(job, dataset, {arch}) + "|folds|" +
                                        config::canonical_text(job.effective, {}, {"folds"}));
  const std::string path = job.output_dir + "/truth.h5";
  std::vector<io::ResultRow> rows;
  if (fs::exists(path) && has_truth_key(path, key)) {
    spdlog::info("folds: reusing the ground truth in {}", path);
    rows = io::read_results(path).rows;
  } else {
    rows = fold_truth_rows(arch, folds, task, e);
    io::write_results(path, results_of(job, cands, rows), [&](io::H5File& f) { f.set_attr("truth_key", key); });
  }
  Truth t = truth_from_rows(rows, cands.size(), e.evaluate.truth_seeds, e.evaluate.noise_ceiling, path);
  t.key = key;
  return t;
}

// The fold's part of the data as a task of its own: condensation methods condense its training
// part into S_train^i and the fold into S_val^i. Budgets stay fractions of the whole training set.
condense::GraphTask fold_task(const condense::GraphTask& task, const Folds& folds, std::size_t i) {
  condense::GraphTask t;
  t.train = folds.train[i];
  t.val = folds.val[i];
  t.test = task.test;
  t.num_classes = task.num_classes;
  t.num_nodes = task.num_nodes;
  return t;
}

}  // namespace

int run_fold_selection(const JobSpec& job, const std::string& dataset, dist::Communicator& comm) {
  const ExperimentSpec& e = job.experiment;
  const FoldSpec& fs_spec = job.folds;
  if (comm.size() > 1)
    throw InputError(job.file, "folds", fmt::format("fold selection runs on one rank (started on {})", comm.size()));
  if (e.hcdc.architecture_sampling != condense::HcdcOptions::ArchitectureSampling::kMixture)
    throw InputError(job.file, "hcdc.architecture_sampling",
                     "fold selection's λ picks a validation fold of one fixed architecture: there is no architecture to sample "
                     "(leave it at \"mixture\")");
  if (e.hcdc.sval_start != condense::HcdcOptions::SvalStart::kValidation)
    throw InputError(job.file, "hcdc.sval_start",
                     "fold selection starts every S_val^i from real images of its fold (leave it at \"validation\")");
  io::RunLock lock(job.output_dir);
  configure_threads(job.threads);
  condense::GraphTask task = load_experiment_task(comm, job, dataset);
  auto space = search::make_candidates(e.space);
  if (fs_spec.architecture >= static_cast<std::int64_t>(space.size()))
    throw InputError(job.file, "folds.architecture",
                     fmt::format("{} is not a candidate of the search space (it has {})", fs_spec.architecture, space.size()));
  const Candidate arch = space[static_cast<std::size_t>(fs_spec.architecture)];
  const std::int64_t n = task.train.y.size(0);
  if (n < 2 * fs_spec.folds)
    throw InputError(job.file, "folds.folds", fmt::format("{} folds of {} training samples: fewer than 2 a fold", fs_spec.folds, n));
  const Folds folds = split_folds(task.train, fs_spec.folds, fs_spec.seed);
  const auto cands = fold_candidates(fs_spec.folds, arch);

  // The rows of the table: the methods in job order, early stopping before the methods that learn S_val.
  std::vector<std::string> methods;
  for (const auto& m : e.methods) {
    if (fs_spec.early_stopping && condense::methods().at(m).learns_validation &&
        std::find(methods.begin(), methods.end(), kEarlyStop) == methods.end())
      methods.push_back(kEarlyStop);
    methods.push_back(m);
  }
  if (fs_spec.early_stopping && std::find(methods.begin(), methods.end(), kEarlyStop) == methods.end())
    methods.push_back(kEarlyStop);
  // Every (method, budget, fold) fits before any work starts: a fold cannot give more samples of a
  // class than it has.
  for (double b : e.budgets)
    for (const auto& m : methods) {
      if (m == kEarlyStop) continue;
      const bool learns = condense::methods().at(m).learns_validation;
      for (std::size_t i = 0; i < folds.val.size(); ++i) {
        auto cs = condense_settings(e, learns ? "random" : m, b, n, e.seeds.front(), {});
        auto why = condense::infeasibility(fold_task(task, folds, i), cs);
        if (!why.empty())
          throw InputError(job.file, "condense.budgets",
                           fmt::format("{} at {:.2f}% (c_train {}, c_val {}) on fold {}: {}", m, 100 * b, cs.c_train,
                                       cs.c_val, i, why));
      }
    }
  spdlog::info("folds: {} folds of {} training samples ({}..{} each), architecture {}; methods {}, budgets {}, seeds {}",
               fs_spec.folds, n, folds.val.back().y.size(0), folds.val.front().y.size(0), arch.name,
               fmt::join(methods, ","), fmt::join(e.budgets, ","), fmt::join(e.seeds, ","));

  fs::create_directories(job.output_dir);
  const Truth truth = fold_truth(job, dataset, arch, folds, task, cands);
  const double ceiling =
      e.evaluate.noise_ceiling ? search::spearman_rho(truth.val_score, truth.noise_val_score) : std::nan("");
  const std::size_t best_val = search::argmax(truth.val_score);
  const double best_test = *std::max_element(truth.test_score.begin(), truth.test_score.end());
  const std::string& metric = search::score_metric_name(e.evaluate.truth.metric);
  spdlog::info("folds: ground truth val {} {:.3f}..{:.3f} (spread {:.1f} points); noise ceiling ρ = {:.3f}", metric,
               *std::min_element(truth.val_score.begin(), truth.val_score.end()),
               *std::max_element(truth.val_score.begin(), truth.val_score.end()), 100 * truth_spread(truth), ceiling);

  const std::string res_path = job.output_dir + "/results.h5";
  const std::string experiment_key = string_digest(job.config_digest + "|" + truth.key);
  const std::size_t references =
      fs_spec.whole_fold_reference ? methods.size() - static_cast<std::size_t>(std::count(methods.begin(), methods.end(), kEarlyStop)) : 0;
  const auto runs_total = static_cast<std::int64_t>(e.budgets.size() * e.seeds.size() * (methods.size() + references));
  PriorRuns prior;
  if (fs::exists(res_path)) prior = read_finished_runs(res_path, experiment_key, truth, cands.size(), e.evaluate.proxy_score, true);
  if (prior.foreign)
    throw InputError(res_path, "experiment_key",
                     "holds finished runs of another configuration or dataset of this job; remove it to start over, or "
                     "set job.output_dir to another folder");

  std::vector<FinishedRun> finished;
  finished.reserve(static_cast<std::size_t>(runs_total));
  auto write = [&] {
    std::vector<const FinishedRun*> order;
    for (const auto& r : finished) order.push_back(&r);
    write_experiment_results(res_path, job, cands, truth, order,
                             {experiment_key, runs_total, ceiling, truth.test_score[best_val], best_test});
  };
  install_stop_handlers();
  // Counts the methods' runs (a reference row comes with its method's run).
  Progress progress("folds condense+evaluate", static_cast<std::int64_t>(e.budgets.size() * e.seeds.size() * methods.size()), 0.0);
  for (double b : e.budgets)
    for (auto seed : e.seeds)
      for (const auto& method : methods) {
        const std::string tag = run_tag(method, b, seed);
        const bool with_reference = fs_spec.whole_fold_reference && method != kEarlyStop;
        const std::string reference_tag = run_tag(method + kWholeFoldSuffix, b, seed);
        if (auto it = prior.done.find(tag); it != prior.done.end()) {
          auto ref = prior.done.find(reference_tag);
          if (!with_reference || ref != prior.done.end()) {  // else both again: the reference needs this run's S_train^i
            spdlog::info("{}: reusing the finished run in {}", tag, res_path);
            finished.push_back(it->second);
            if (with_reference) finished.push_back(ref->second);
            progress.step();
            continue;
          }
        }
        const auto [c_train, c_val] = budget_sizes(e, b, n);
        std::vector<io::ResultRow> rows, reference_rows;
        auto score = [&](std::size_t i, const LabelledBlocks& tr, const LabelledBlocks& va, const search::TrainSettings& ts) {
          auto r = search::train_and_score(arch, tr, va, &task.test, task.num_classes, static_cast<std::uint64_t>(seed), ts);
          rows.push_back({static_cast<std::int64_t>(i), tag, seed, r.val_score, r.val_loss, r.test_score, r.seconds});
          if (!with_reference) return;
          // The same seed, so the same trained model; only the validation set differs.
          auto w = search::train_and_score(arch, tr, folds.val[i], &task.test, task.num_classes, static_cast<std::uint64_t>(seed), ts);
          reference_rows.push_back({static_cast<std::int64_t>(i), reference_tag, seed, w.val_score, w.val_loss, w.test_score, w.seconds});
        };
        auto t0 = std::chrono::steady_clock::now();
        double condense_seconds = 0;
        std::vector<double> history;
        if (method == kEarlyStop) {
          // As many optimiser steps of c_train samples as a proxy takes on S_train (proxy_epochs
          // full-batch steps), on the original training part: c_train/|train| · proxy_epochs epochs.
          for (std::size_t i = 0; i < folds.val.size(); ++i) {
            search::TrainSettings ts = e.evaluate.proxy;
            ts.batch_size = c_train;
            ts.epochs = std::max(1, static_cast<int>(std::lround(static_cast<double>(ts.epochs) * static_cast<double>(c_train) /
                                                                  static_cast<double>(folds.train[i].y.size(0)))));
            score(i, folds.train[i], folds.val[i], ts);
          }
        } else if (condense::methods().at(method).learns_validation) {
          auto cs = condense_settings(e, e.hcdc_train_method, b, n, seed, {});
          const LabelledBlocks s_train =
              config::in_section(job.file, "condense", [&] { return condense::condense(task, cs); }).s_train;
          std::vector<LabelledBlocks> starts;  // c_val images of each fold, class-balanced at random
          for (std::size_t i = 0; i < folds.val.size(); ++i)
            starts.push_back(condense::condense(fold_task(task, folds, i), condense_settings(e, "random", b, n, seed, {})).s_val);
          condense::FoldValidationOptions o;
          o.trajectories = e.hcdc_trajectories;
          o.trajectory_steps = e.hcdc.trajectory_steps;
          o.every = e.hcdc.lambda_every;
          o.theta_lr = e.hcdc.theta_lr;
          o.weight_decay = e.hcdc.weight_decay;
          o.sval_lr = e.hcdc.sval_lr;
          auto learned = condense::learn_fold_validation(arch, s_train, folds.val, starts, task.num_classes, o,
                                                         static_cast<std::uint64_t>(seed));
          history = learned.history;
          condense_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          for (std::size_t i = 0; i < folds.val.size(); ++i) score(i, s_train, learned.s_val[i], e.evaluate.proxy);
        } else {
          for (std::size_t i = 0; i < folds.val.size(); ++i) {
            auto cs = condense_settings(e, method, b, n, seed, {});
            auto pair = config::in_section(job.file, "condense", [&] { return condense::condense(fold_task(task, folds, i), cs); });
            condense_seconds += pair.seconds;
            score(i, pair.s_train, pair.s_val, e.evaluate.proxy);
          }
        }
        ProxyMetrics m = proxy_metrics(rows, truth, e.evaluate.proxy_score);
        m.condense_seconds = condense_seconds;
        finished.push_back({SummaryRow{method, b, c_train, c_val, seed, 0, 0, m}, rows});
        spdlog::info("{}: c_train {} c_val {} per fold: ρ {:.3f} (acc-ρ {:.3f}) regret {:.4f}; condense {:.1f}s, proxy "
                     "{:.1f}s{}",
                     tag, c_train, c_val, m.rho, m.rho_acc, m.regret, m.condense_seconds, m.proxy_seconds,
                     history.empty() ? ""
                                     : fmt::format("; alignment loss {:.3f} → {:.3f} over {} S_val steps", history.front(),
                                                   history.back(), history.size()));
        if (with_reference) {
          ProxyMetrics w = proxy_metrics(reference_rows, truth, e.evaluate.proxy_score);
          w.condense_seconds = condense_seconds;
          const auto fold_size = static_cast<std::int64_t>(folds.val.front().y.size(0));
          finished.push_back({SummaryRow{method + kWholeFoldSuffix, b, c_train, fold_size, seed, 0, 0, w}, reference_rows});
          spdlog::info("{}: the same S_train^i scored on the whole fold i: ρ {:.3f} (acc-ρ {:.3f}) regret {:.4f}", reference_tag,
                       w.rho, w.rho_acc, w.regret);
        }
        write();
        progress.step();
        if (stop_signal() != 0) {
          spdlog::warn("stopped by a signal after {} of {} runs (saved in {}); run the job again to continue",
                       finished.size(), runs_total, res_path);
          return kExitPreempted;
        }
      }
  write();

  std::vector<SummaryRow> summary;
  for (const auto& r : finished) summary.push_back(r.first);
  std::string md = fmt::format("# {} — fold selection ({} folds)\n\n", job.name, fs_spec.folds);
  md += fmt::format("Dataset `{}`: {} training samples split at random into {} folds; candidate i = architecture `{}` "
                    "trained on every fold but i, validated on fold i. Ground truth: validation {} on the original data, "
                    "mean of {} seeds: {:.1f}–{:.1f}%, **spread {:.1f} points**; noise ceiling (ρ between two ground "
                    "truths on disjoint seeds) {:.2f}. Proxy score: S_val {}. Every method spends c_train training and "
                    "c_val validation samples per fold (early-stop: the original data for as many steps).\n\n",
                    dataset, n, fs_spec.folds, arch.name, metric, e.evaluate.truth_seeds,
                    100 * *std::min_element(truth.val_score.begin(), truth.val_score.end()),
                    100 * *std::max_element(truth.val_score.begin(), truth.val_score.end()), 100 * truth_spread(truth),
                    ceiling, e.evaluate.proxy_score);
  std::vector<std::string> rows_of_table;
  for (const auto& m : methods) {
    rows_of_table.push_back(m);
    if (fs_spec.whole_fold_reference && m != kEarlyStop) rows_of_table.push_back(m + kWholeFoldSuffix);
  }
  if (fs_spec.whole_fold_reference)
    md += "Rows `<method>+whole-fold` are references, not competitors: the method's S_train^i, scored on the whole "
          "original fold i instead of its S_val^i.\n\n";
  md += summary_tables(rows_of_table, e.budgets, summary, metric);
  const std::string md_path = job.output_dir + "/summary.md";
  io::write_text_file(md_path, md);
  fmt::print("{}\nresults: {}\ntable: {}\n", md, res_path, md_path);
  return kExitOk;
}

}  // namespace hcdc::run
