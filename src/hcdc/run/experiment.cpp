#include "hcdc/run/experiment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <tuple>

#include "hcdc/condense/dense_graph_proxy.hpp"
#include "hcdc/condense/induced_subgraph.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/config/in_section.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/stop_signal.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"
#include "hcdc/io/atomic_output.hpp"
#include "hcdc/io/checkpoint_store.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/io/run_lock.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/run/hcdc_driver.hpp"
#include "hcdc/run/experiment_results.hpp"
#include "hcdc/run/experiment_task.hpp"
#include "hcdc/run/row_exchange.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;
using search::Candidate;
using search::LabelledBlocks;

// Every (method, budget) the data cannot fill, found before any work starts: one error lists them
// all with the largest budget that fits.
void check_feasible(const JobSpec& job, const condense::GraphTask& task, const std::vector<Candidate>& trajectories) {
  const ExperimentSpec& e = job.experiment;
  check_methods_fit_family(e, e.methods, job.file, "condense.methods", /*in_experiment=*/true);
  std::vector<std::string> bad;
  for (const auto& method : e.methods) {
    double largest = 0;
    bool any_bad = false;
    for (double b : e.budgets) {
      auto cs = condense_settings(e, method, b, task.num_nodes, e.seeds.front(), trajectories);
      auto why = condense::infeasibility(task, cs);
      if (why.empty()) continue;
      any_bad = true;
      bad.push_back(fmt::format("{} at {:.2f}% (c_train {}, c_val {}): {}", method, 100 * b, cs.c_train, cs.c_val, why));
    }
    if (!any_bad) continue;
    // The largest fraction (in steps of one node) at which this method fits, by bisection over
    // c_train: each probe allocates over the whole pool, so a linear scan would be quadratic in the
    // labelled nodes. (Largest-remainder allocation is monotone in the budget but for rare
    // Alabama-paradox cases; the answer is always checked feasible.)
    auto fits = [&](std::int64_t c) {
      double b = static_cast<double>(c) / static_cast<double>(task.num_nodes);
      auto cs = condense_settings(e, method, b, task.num_nodes, e.seeds.front(), trajectories);
      return condense::infeasibility(task, cs).empty();
    };
    std::int64_t lo = 0, hi = task.train.y.size(0) + task.val.y.size(0);  // fits(lo) or lo == 0; !fits(hi + 1)
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo + 1) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    if (lo > 0) largest = static_cast<double>(lo) / static_cast<double>(task.num_nodes);
    bad.push_back(fmt::format("largest feasible budget for {}: {:.4f} ({:.2f}%)", method, largest, 100 * largest));
  }
  if (!bad.empty())
    throw InputError(job.file, "condense.budgets",
                     fmt::format("infeasible for every seed: {}", fmt::join(bad, "; ")));
}

// Where the experiment's HCDC runs keep their checkpoints, one folder per run.
std::string checkpoint_root(const JobSpec& job) {
  const auto& d = job.experiment.dist;
  return d.checkpoint_dir.empty() ? job.output_dir + "/checkpoints" : d.checkpoint_dir;
}

std::string run_checkpoints(const JobSpec& job, const std::string& tag) {
  std::string safe = tag;
  for (char& c : safe)
    if (c == '@' || c == '%' || c == '#') c = '_';
  return checkpoint_root(job) + "/" + safe;
}

// One HCDC run of the experiment through the same driver as `hcdc condense`, on the ranks of
// `comm` (each walks its slice of the trajectories; with dist.deterministic the S_val does not
// depend on how many): checkpoints every dist.checkpoint_every steps, continued when present; a
// signal checkpoints and leaves the run unfinished (nullopt on every rank).
std::optional<condense::CondensedPair> drive_hcdc_run(dist::Communicator& comm, const JobSpec& job,
                                                      const condense::GraphTask& task,
                                                      const condense::CondenseSettings& cs, double budget,
                                                      const std::string& ckdir, const std::string& tag) {
  const ExperimentSpec& e = job.experiment;
  auto t0 = std::chrono::steady_clock::now();
  auto start = condense::prepare_hcdc(task, cs);
  condense::HcdcLearner learner(start.data, cs.hcdc_trajectories,
                                owned_trajectories(static_cast<std::int64_t>(cs.hcdc_trajectories.size()), comm),
                                start.s_val_init, e.hcdc, cs.seed, dist::make_reducer(comm, e.dist.deterministic));
  io::CheckpointStore store(ckdir, e.dist.keep);
  const std::string digest = run_digest(job.config_digest, cs.method, budget, static_cast<std::int64_t>(cs.seed));
  auto r = drive_hcdc(comm, learner, store, e.dist, e.hcdc.lambda_every, digest, static_cast<std::int64_t>(job.seed),
                      job.text, Resume::kIfPresent, tag);
  if (r.stopped) return std::nullopt;
  return condense::finished_pair(start, learner, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace

void require_something_to_resume(const JobSpec& job) {
  if (!fs::exists(job.output_dir + "/results.h5") && !fs::exists(checkpoint_root(job)))
    throw InputError(job.output_dir, "--resume",
                     "nothing to resume here (no results.h5, no checkpoints/); check job.output_dir, or run without "
                     "--resume to start the experiment");
}

int run_experiment(const JobSpec& job, const std::string& dataset, dist::Communicator& comm) {
  const ExperimentSpec& e = job.experiment;
  const bool root = comm.rank() == 0;
  // One writer per output folder (rank 0 writes every shared file).
  std::optional<io::RunLock> lock;
  if (root) lock.emplace(job.output_dir);
  configure_threads(job.threads);
  condense::GraphTask task = load_experiment_task(comm, job, dataset);
  auto cands = search::make_candidates(e.space);
  // HCDC walks a seeded subset of the candidates (their trajectories form the extended space).
  std::vector<Candidate> trajectories = trajectory_subset(e, cands, job.seed);
  check_feasible(job, task, trajectories);
  spdlog::info("experiment '{}': {} candidates, methods {}, budgets {}, seeds {}", job.name, cands.size(),
               fmt::join(e.methods, ","), fmt::join(e.budgets, ","), fmt::join(e.seeds, ","));
  Truth truth = load_or_compute_truth(job, dataset, task, cands, comm);
  double ceiling = e.evaluate.noise_ceiling ? search::spearman_rho(truth.val_score, truth.noise_val_score) : std::nan("");
  std::size_t best_val = search::argmax(truth.val_score);
  double whole_perf = truth.test_score[best_val];
  double best_test = *std::max_element(truth.test_score.begin(), truth.test_score.end());
  const std::string& metric = search::score_metric_name(e.evaluate.truth.metric);
  spdlog::info("ground truth: val {} {:.3f}..{:.3f}; search on the original picks {} (test {:.4f}); best test {:.4f}; "
               "noise ceiling ρ = {:.3f}",
               metric,
               *std::min_element(truth.val_score.begin(), truth.val_score.end()),
               *std::max_element(truth.val_score.begin(), truth.val_score.end()), cands[best_val].name, whole_perf,
               best_test, ceiling);

  if (root) fs::create_directories(job.output_dir + "/condensed");
  const std::string res_path = job.output_dir + "/results.h5";
  // What the finished runs in results.h5 were computed for: the normalised job and its ground truth.
  const std::string experiment_key = string_digest(job.config_digest + "|" + truth.key);
  const std::int64_t runs = static_cast<std::int64_t>(e.budgets.size() * e.seeds.size() * e.methods.size());

  // Runs a killed or failed earlier attempt of this same experiment finished: kept, not redone.
  // Every rank reads them (the same decision everywhere) before rank 0 rewrites the file.
  PriorRuns prior;
  if (fs::exists(res_path))
    prior = read_finished_runs(res_path, experiment_key, truth, cands.size(), e.evaluate.proxy_score, root);
  const auto& done = prior.done;
  const bool foreign = prior.foreign;
  // Finished runs of another configuration (or dataset) are someone's work: never replaced silently
  // because the job file changed.
  if (foreign)
    throw InputError(res_path, "experiment_key",
                     "holds finished runs of another configuration or dataset of this job; remove it (and condensed/, "
                     "checkpoints/) to start over, or set job.output_dir to another folder");
  comm.barrier();

  // The runs in table order; each finished one holds its summary row and its candidates' rows.
  struct Run {
    std::string method, tag;
    double budget;
    std::int64_t seed;
    std::optional<FinishedRun> outcome;
  };
  std::vector<Run> all;
  for (double b : e.budgets)
    for (auto seed : e.seeds)
      for (const auto& method : e.methods) {
        Run r{method, run_tag(method, b, seed), b, seed, std::nullopt};
        if (auto it = done.find(r.tag); it != done.end()) {
          r.outcome = it->second;
          if (root) spdlog::info("{}: reusing the finished run in {}", r.tag, res_path);
        }
        all.push_back(std::move(r));
      }
  // Written atomically by rank 0 after every round of runs, in table order whichever rank ran
  // what, so a kill or a later error keeps what was done and the file does not depend on ranks.
  auto write = [&] {
    std::vector<const FinishedRun*> finished;
    for (const auto& r : all)
      if (r.outcome) finished.push_back(&*r.outcome);
    write_experiment_results(res_path, job, cands, truth, finished,
                             {experiment_key, runs, ceiling, whole_perf, best_test});
  };
  auto log_run = [](const SummaryRow& row, const std::string& tag) {
    const auto& m = row.m;
    spdlog::info("{}: |S_train| {} |S_val| {}: ρ {:.3f} (acc-ρ {:.3f}) ρ_top {:.3f} top-5 {:.1f} τ {:.3f} regret "
                 "{:.4f} perf {:.4f}; condense {:.1f}s, proxy search {:.1f}s{}",
                 tag, row.c_train, row.c_val, m.rho, m.rho_acc, m.rho_top, 5 * m.top5, m.tau, m.regret, m.perf,
                 m.condense_seconds,
                 m.proxy_seconds,
                 row.solves > 0 ? fmt::format("; {} of {} hypergradient solves diverged", row.skipped_solves, row.solves)
                                : "");
  };
  // What is left, in batches: a round of runs computed whole, one per rank (coresets, matching),
  // or one HCDC run on every rank, each rank walking its slice of the trajectories (with fewer
  // trajectories than ranks, HCDC runs are computed whole, one per rank, too).
  const auto num_trajectories = static_cast<std::int64_t>(trajectories.size());
  auto shared = [&](const Run& r) {
    return comm.size() > 1 && num_trajectories >= comm.size() && condense::methods().at(r.method).learns_validation;
  };
  std::vector<std::vector<std::size_t>> batches;  // the rounds of whole runs first, then the shared runs
  std::vector<std::size_t> together_runs;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].outcome) continue;
    if (shared(all[i])) {
      together_runs.push_back(i);
    } else {
      if (batches.empty() || batches.back().size() == static_cast<std::size_t>(comm.size())) batches.emplace_back();
      batches.back().push_back(i);
    }
  }
  for (auto i : together_runs) batches.push_back({i});
  const std::size_t to_do = static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const Run& r) {
    return !r.outcome.has_value();
  }));
  if (root && to_do > 0)
    spdlog::info("experiment: {} runs to do on {} ranks in {} batches (HCDC runs {} across the ranks)", to_do,
                 comm.size(), batches.size(), comm.size() > 1 && num_trajectories >= comm.size() ? "split" : "not split");
  Progress progress("condense+evaluate", static_cast<std::int64_t>(to_do), 0.0);
  install_stop_handlers();
  const CandidateRange every{0, static_cast<std::int64_t>(cands.size())};
  for (const auto& batch : batches) {
    const bool together = batch.size() == 1 && shared(all[batch[0]]);
    std::vector<SummaryRow> my_summary;
    std::vector<io::ResultRow> my_rows;
    std::optional<condense::CondensedPair> made;
    const std::size_t mine = together ? 0 : static_cast<std::size_t>(comm.rank());
    const Run* run_ptr = mine < batch.size() ? &all[batch[mine]] : nullptr;
    condense::CondenseSettings cs;
    if (run_ptr != nullptr) {
      const Run& run = *run_ptr;
      cs = condense_settings(e, run.method, run.budget, task.num_nodes, run.seed, trajectories);
      if (condense::methods().at(run.method).learns_validation) {
        auto local = dist::make_local_communicator();
        made = drive_hcdc_run(together ? comm : *local, job, task, cs, run.budget, run_checkpoints(job, run.tag),
                              run.tag);
      } else {
        made = config::in_section(job.file, "condense", [&] { return condense::condense(task, cs); });
      }
    }
    if (made) {
      const Run& run = *run_ptr;
      const auto& pair = *made;
      // What the candidates train and are scored on: the pair's sets, or for message passing its
      // graph — coresets and HCDC the subgraph their nodes induce (HCDC's S_val: its learned
      // features on its starting nodes' structure), GCond / GCond-X the synthetic graph they learned.
      const bool message_passing = search::is_message_passing(e.space.family);
      condense::GraphProxy seen{pair.s_train, pair.s_val};
      if (message_passing) {
        const bool learned = condense::methods().at(run.method).learns_validation;
        seen = pair.s_train_rows.defined()
                   ? condense::induced_subgraph_proxy(task, pair.s_train_rows, pair.s_val_rows,
                                                      learned ? pair.s_val.x : torch::Tensor())
                   : condense::dense_graph_proxy(pair);
      }
      if (!together || root)  // message passing: the file holds node features and the structure
        write_condensed_pair(condensed_path(job, run.method, run.budget, run.seed),
                             message_passing ? condense::structured_pair(seen, pair) : pair, job, dataset, run.method,
                             cs.c_train, run.seed, task.num_classes,
                             {{"condense_seconds", pair.seconds}, {"solves", pair.solves},
                              {"skipped_solves", pair.skipped_solves}});
      check_diverged_share(e, job.file, run.tag, pair.solves, pair.skipped_solves);
      // A run computed together is scored together: each rank its slice of the candidates.
      CandidateRange range = every;
      if (together) std::tie(range.begin, range.end) = dist::owned_range(every.end, comm.rank(), comm.size());
      my_rows = proxy_rows(task, cands, range, seen.s_train, seen.s_val, run.seed, e, run.tag);
      if (!together) {
        ProxyMetrics m = proxy_metrics(my_rows, truth, e.evaluate.proxy_score);
        m.condense_seconds = pair.seconds;
        // The sizes the run ended with (a paper-ratio split moves nodes from c_train to c_val).
        my_summary.push_back({run.method, run.budget, pair.s_train.y.size(0), pair.s_val.y.size(0), run.seed, pair.solves,
                              pair.skipped_solves, m});
        log_run(my_summary.back(), run.tag);
      }
    } else if (run_ptr == nullptr) {
      spdlog::info("experiment: rank {} idle in this round ({} runs for {} ranks)", comm.rank(), batch.size(),
                   comm.size());
    }
    auto rows = gather_rows(comm, my_rows);
    if (together && made) {
      // Every rank holds the same S_val and now every row: rank 0's summary stands for the run.
      const Run& run = *run_ptr;
      if (root) {
        ProxyMetrics m = proxy_metrics(rows, truth, e.evaluate.proxy_score);
        m.condense_seconds = made->seconds;
        my_summary.push_back({run.method, run.budget, made->s_train.y.size(0), made->s_val.y.size(0), run.seed,
                              made->solves, made->skipped_solves, m});
        log_run(my_summary.back(), run.tag);
      }
    }
    auto summaries = gather_summaries(comm, my_summary);
    for (const auto& sr : summaries) {
      const std::string tag = run_tag(sr.method, sr.budget, sr.seed);
      auto it = std::find_if(all.begin(), all.end(), [&](const Run& r) { return r.tag == tag; });
      if (it == all.end()) throw std::logic_error("experiment: a rank returned an unknown run " + tag);
      std::vector<io::ResultRow> run_rows;
      for (const auto& r : rows)
        if (r.proxy == tag) run_rows.push_back(r);
      it->outcome = std::make_pair(sr, std::move(run_rows));
      if (root) progress.step();
    }
    if (root) {
      write();
      // A finished run's checkpoints are no longer needed once its result is in results.h5.
      for (const auto& sr : summaries) fs::remove_all(run_checkpoints(job, run_tag(sr.method, sr.budget, sr.seed)));
    }
    // A SIGTERM/SIGUSR1 on any rank stops every rank here, after the batch's runs are saved; the
    // next `hcdc run` (Slurm: the requeued job) continues from results.h5, and an HCDC run that the
    // signal interrupted continues from its checkpoint (the other methods restart: they are short).
    if (comm.allreduce_max(stop_signal()) != 0) {
      if (root)
        spdlog::warn("stopped by a signal after {} of {} runs (saved in {}); run the job again to continue",
                     std::count_if(all.begin(), all.end(), [](const Run& r) { return r.outcome.has_value(); }),
                     all.size(), res_path);
      return kExitPreempted;
    }
  }
  if (root && to_do == 0) write();  // every run reused: the file is rewritten as it was
  comm.barrier();
  if (!root) return kExitOk;


  // The tables: rows = methods, columns = budgets, mean ± std over seeds: ρ and Perf, then the
  // hard-space metrics (ρ over the better half, top-5 overlap, regret).
  const std::string& metric_name = search::score_metric_name(e.evaluate.truth.metric);
  const double lo = *std::min_element(truth.val_score.begin(), truth.val_score.end());
  const double hi = *std::max_element(truth.val_score.begin(), truth.val_score.end());
  std::string md = fmt::format("# {} — proxy ranking quality\n\n", job.name);
  md += fmt::format("Dataset `{}`, {} candidates ({} space of {}, K = {}), proxy score: S_val {}. "
                    "Ground truth: validation {} on the original data, mean of {} seeds: "
                    "{:.1f}–{:.1f}%, **spread {:.1f} points** (a small spread is a hard space). "
                    "Perf: the test {} of the proxy's pick. Budgets: {} (`condense.baseline_split`).\n\n",
                    dataset, cands.size(), e.space.kind, e.space.family, e.space.order, e.evaluate.proxy_score, metric_name,
                    e.evaluate.truth_seeds, 100 * lo, 100 * hi, 100 * (hi - lo), metric_name,
                    e.baseline_split == condense::BaselineSplit::kEqual
                        ? "every method spends the same c_train (training nodes) and c_val (validation nodes)"
                        : "baselines split c_train + c_val training nodes keeping the original train:val ratio "
                          "(the paper's letter)");
  std::vector<SummaryRow> finished;
  for (const auto& r : all) finished.push_back(r.outcome->first);
  md += summary_tables(e.methods, e.budgets, finished, metric_name);
  std::vector<double> all_proxy_seconds;
  for (const auto& r : all) all_proxy_seconds.push_back(r.outcome->first.m.proxy_seconds);
  double speedup = truth.search_seconds / mean_of(all_proxy_seconds);
  md += fmt::format("\nWhole data: search on the original picks {} with test {} {:.1f}%; best test {} "
                    "among the candidates {:.1f}%. Noise ceiling (ρ between two ground truths on disjoint seeds): "
                    "{:.2f}.\n",
                    cands[best_val].name, metric_name, 100 * whole_perf, metric_name, 100 * best_test, ceiling);
  md += fmt::format("Search time: original {:.1f}s, proxy {:.1f}s on average: speed-up {:.1f}×.\n", truth.search_seconds,
                    mean_of(all_proxy_seconds), speedup);
  md += "Diverged solves: HCDC's hypergradient solves (one per trajectory and S_val update) whose Neumann/CG solve "
        "diverged and was left out of that S_val step; a run above hcdc.max_diverged_share fails instead.\n";
  std::string md_path = job.output_dir + "/summary.md";
  io::write_text_file(md_path, md);
  fmt::print("{}\nresults: {}\ntable: {}\n", md, res_path, md_path);
  return kExitOk;
}

}  // namespace hcdc::run
