#include "hcdc/run/candidate_evaluation.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "hcdc/config/canonical.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"
#include "hcdc/run/row_exchange.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc::run {

std::string truth_key(const JobSpec& job, const std::string& dataset, const std::vector<search::Candidate>& cands) {
  const auto& e = job.experiment;
  // What the ground truth is: the dataset's bytes, the candidate list itself (names, λ, widths,
  // depths) and the training and evaluation settings as they were applied...
  std::string id = fmt::format("dataset {}\nfeatures basis={} order={} normalize={}\n", file_digest(dataset),
                               e.space.basis, e.space.order, e.evaluate.normalize_features);
  for (const auto& c : cands)
    id += fmt::format("candidate {} family={} hidden={} layers={} lambda={:a}{}\n", c.name, c.family, c.hidden, c.layers,
                      fmt::join(c.lambda, ","),
                      c.convs.empty() ? ""
                                      : fmt::format(" convs={} trained_convs={}", fmt::join(c.convs, ","),
                                                    fmt::join(search::with_fixed_lambda(c).convs, ",")));
  id += fmt::format("truth epochs={} lr={:a} weight_decay={:a} seeds={} noise_ceiling={}\n", e.evaluate.truth.epochs,
                    e.evaluate.truth.lr, e.evaluate.truth.weight_decay, e.evaluate.truth_seeds, e.evaluate.noise_ceiling);
  // ...plus every [search] and [evaluate] key of the normalised job except the proxy's own, so a
  // setting added later cannot be forgotten here (at worst it recomputes a truth it could reuse).
  // Image tasks are a subset of the file, pooled: [images] says which, so it is part of the truth.
  const bool images = search::is_image_family(e.space.family);
  id += config::canonical_text(job.effective, kNotTruthKeys,
                               images ? std::vector<std::string>{"search", "evaluate", "images"}
                                      : std::vector<std::string>{"search", "evaluate"});
  return string_digest(id);
}

bool has_truth_key(const std::string& path, const std::string& key) {
  io::validate_file(path);
  auto f = io::H5File::open_read(path);
  return f.has_attr("truth_key") && f.attr_string("truth_key") == key;
}

std::vector<io::ResultRow> truth_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const ExperimentSpec& e) {
  const int seeds = e.evaluate.truth_seeds;
  const int total_seeds = e.evaluate.noise_ceiling ? 2 * seeds : seeds;
  std::vector<search::TrainJob> jobs;
  for (auto c = range.begin; c < range.end; ++c)
    for (int s = 0; s < total_seeds; ++s) jobs.push_back({static_cast<std::size_t>(c), static_cast<std::uint64_t>(s)});
  Progress progress("ground truth", static_cast<std::int64_t>(jobs.size()));
  const bool graph = search::is_message_passing(e.space.family);
  auto scores = search::train_and_score_jobs(cands, jobs, graph ? task.graph_train : task.train,
                                             graph ? task.graph_val : task.val, graph ? &task.graph_test : &task.test,
                                             task.num_classes,
                                             e.evaluate.truth, e.evaluate.batch_candidates,
                                             [&](std::int64_t k) { progress.step(k); });
  std::vector<io::ResultRow> rows;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto s = static_cast<std::int64_t>(jobs[i].seed);
    const auto& r = scores[i];
    rows.push_back({static_cast<std::int64_t>(jobs[i].candidate), s < seeds ? "whole" : "whole-noise", s, r.val_score,
                    r.val_loss, r.test_score, r.seconds});
  }
  return rows;
}

Truth truth_from_rows(const std::vector<io::ResultRow>& rows, std::size_t n, int seeds, bool noise_ceiling,
                      const std::string& path) {
  // A truth file is input: every row must name a candidate of this space and a seed of this
  // ground truth, and every (candidate, seed) must be there exactly once.
  const int total_seeds = noise_ceiling ? 2 * seeds : seeds;
  std::vector<int> seen(n * static_cast<std::size_t>(total_seeds), 0);
  for (const auto& r : rows) {
    if (r.candidate < 0 || static_cast<std::size_t>(r.candidate) >= n)
      throw InputError(path, "rows/candidate",
                       fmt::format("candidate id {} is outside this search space's [0, {})", r.candidate, n));
    const bool noise = r.proxy == "whole-noise";
    if (r.proxy != "whole" && !noise)
      throw InputError(path, "rows/proxy", fmt::format("'{}' is not a ground-truth row (whole, whole-noise)", r.proxy));
    const std::int64_t lo = noise ? seeds : 0, hi = noise ? total_seeds : seeds;
    if (r.seed < lo || r.seed >= hi)
      throw InputError(path, "rows/seed",
                       fmt::format("{} row of candidate {} has seed {}, expected [{}, {})", r.proxy, r.candidate,
                                   r.seed, lo, hi));
    if (++seen[static_cast<std::size_t>(r.candidate) * static_cast<std::size_t>(total_seeds) +
               static_cast<std::size_t>(r.seed)] > 1)
      throw InputError(path, "rows/candidate",
                       fmt::format("candidate {} seed {} appears more than once", r.candidate, r.seed));
  }
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (seen[i] == 0)
      throw InputError(path, "rows/candidate",
                       fmt::format("no row for candidate {} seed {} ({} rows for {} candidates × {} seeds)",
                                   i / static_cast<std::size_t>(total_seeds), i % static_cast<std::size_t>(total_seeds),
                                   rows.size(), n, total_seeds));
  Truth t;
  t.val_score.assign(n, 0);
  t.val_loss.assign(n, 0);
  t.test_score.assign(n, 0);
  t.noise_val_score.assign(n, 0);
  for (const auto& r : rows) {
    auto c = static_cast<std::size_t>(r.candidate);
    if (r.proxy == "whole") {
      t.val_score[c] += r.score / seeds;
      t.val_loss[c] += r.val_loss / seeds;
      t.test_score[c] += r.test_score / seeds;
      if (r.seed == 0) t.search_seconds += r.seconds;
    } else {
      t.noise_val_score[c] += r.score / seeds;
    }
  }
  t.rows = rows;
  return t;
}

Truth read_truth(const std::string& path, const JobSpec& job, const std::vector<search::Candidate>& cands) {
  auto res = io::read_results(path);
  if (!res.candidate_name.empty() && res.candidate_name.size() != cands.size())
    throw InputError(path, "candidates/name",
                     fmt::format("{} candidates, but this job's search space has {}", res.candidate_name.size(),
                                 cands.size()));
  for (std::size_t i = 0; i < res.candidate_name.size(); ++i)
    if (res.candidate_name[i] != cands[i].name)
      throw InputError(path, "candidates/name",
                       fmt::format("candidate {} is '{}', but this job's is '{}'", i, res.candidate_name[i], cands[i].name));
  const auto& ev = job.experiment.evaluate;
  return truth_from_rows(res.rows, cands.size(), ev.truth_seeds, ev.noise_ceiling, path);
}

io::Results results_of(const JobSpec& job, const std::vector<search::Candidate>& cands,
                       std::vector<io::ResultRow> rows) {
  io::Results r;
  r.rows = std::move(rows);
  r.seed = static_cast<std::int64_t>(job.seed);
  r.config = job.text;
  for (const auto& c : cands) {
    r.candidate_lambda.push_back(c.lambda);
    r.candidate_name.push_back(c.name);
  }
  return r;
}

Truth load_or_compute_truth(const JobSpec& job, const std::string& dataset, const condense::GraphTask& task,
                            const std::vector<search::Candidate>& cands, dist::Communicator& comm) {
  const std::string path = job.output_dir + "/truth.h5";
  const std::string key = truth_key(job, dataset, cands);
  std::int64_t reuse = 0;
  std::optional<Truth> cached;  // rank 0's checked read, kept so it is not read twice
  if (comm.rank() == 0 && std::filesystem::exists(path)) {
    try {
      if (has_truth_key(path, key)) {
        cached = read_truth(path, job, cands);  // checked here, so no rank reads a bad file
        spdlog::info("ground truth: reusing {}", path);
        reuse = 1;
      } else {
        spdlog::info("ground truth: {} was computed for another dataset/space/settings; recomputing", path);
      }
    } catch (const InputError& e) {
      spdlog::warn("ground truth: ignoring unreadable cache {}: {}", path, e.what());
    }
  }
  if (comm.allreduce_max(reuse) != 0) {
    Truth t = cached ? std::move(*cached) : read_truth(path, job, cands);
    t.key = key;
    return t;
  }
  const auto p = static_cast<std::int64_t>(cands.size());
  auto [begin, end] = dist::owned_range(p, comm.rank(), comm.size());
  if (begin == end) spdlog::info("ground truth: {} ranks for {} candidates: this rank is idle", comm.size(), p);
  auto rows = gather_rows(comm, truth_rows(task, cands, {begin, end}, job.experiment));
  if (comm.rank() == 0)
    io::write_results(path, results_of(job, cands, rows), [&](io::H5File& f) { f.set_attr("truth_key", key); });
  comm.barrier();
  Truth t = truth_from_rows(rows, cands.size(), job.experiment.evaluate.truth_seeds,
                            job.experiment.evaluate.noise_ceiling, path);
  t.key = key;
  return t;
}

std::vector<io::ResultRow> proxy_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const search::LabelledBlocks& s_train,
                                      const search::LabelledBlocks& s_val, std::int64_t seed,
                                      const ExperimentSpec& e, const std::string& tag) {
  std::vector<search::TrainJob> jobs;
  for (auto c = range.begin; c < range.end; ++c) jobs.push_back({static_cast<std::size_t>(c), static_cast<std::uint64_t>(seed)});
  const auto* test = search::is_message_passing(e.space.family) ? &task.graph_test : &task.test;
  auto scores = search::train_and_score_jobs(cands, jobs, s_train, s_val, test, task.num_classes, e.evaluate.proxy,
                                             e.evaluate.batch_candidates);
  std::vector<io::ResultRow> rows;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& r = scores[i];
    rows.push_back({static_cast<std::int64_t>(jobs[i].candidate), tag, seed, r.val_score, r.val_loss, r.test_score, r.seconds});
  }
  return rows;
}

ProxyMetrics proxy_metrics(const std::vector<io::ResultRow>& rows, const Truth& truth, const std::string& proxy_score) {
  if (rows.size() != truth.val_score.size())
    throw std::logic_error(fmt::format("proxy_metrics: {} rows for {} candidates", rows.size(), truth.val_score.size()));
  std::vector<double> proxy, proxy_acc;
  ProxyMetrics m;
  for (const auto& r : rows) {
    proxy.push_back(proxy_score == "loss" ? -r.val_loss : r.score);
    proxy_acc.push_back(r.score);
    m.proxy_seconds += r.seconds;
  }
  m.rho = search::spearman_rho(proxy, truth.val_score);
  m.rho_acc = search::spearman_rho(proxy_acc, truth.val_score);
  m.tau = search::kendall_tau_b(proxy, truth.val_score);
  m.regret = search::top1_regret(proxy, truth.val_score);
  m.perf = truth.test_score[search::argmax(proxy)];
  m.rho_top = proxy.size() >= 4 ? search::rho_top(proxy, truth.val_score) : std::nan("");
  m.top5 = search::top_k_overlap(proxy, truth.val_score, 5);
  return m;
}

double truth_spread(const Truth& truth) {
  const auto [lo, hi] = std::minmax_element(truth.val_score.begin(), truth.val_score.end());
  return *hi - *lo;
}

void write_summary(io::H5File& f, const std::vector<SummaryRow>& rows) {
  auto col = [&](auto get) {
    std::vector<decltype(get(rows.front()))> v;
    for (const auto& r : rows) v.push_back(get(r));
    return v;
  };
  if (rows.empty()) return;
  f.write_strings("summary/method", col([](const SummaryRow& r) { return r.method; }));
  f.write("summary/budget", col([](const SummaryRow& r) { return r.budget; }));
  f.write("summary/c_train", col([](const SummaryRow& r) { return r.c_train; }));
  f.write("summary/c_val", col([](const SummaryRow& r) { return r.c_val; }));
  f.write("summary/seed", col([](const SummaryRow& r) { return r.seed; }));
  f.write("summary/solves", col([](const SummaryRow& r) { return r.solves; }));
  f.write("summary/skipped_solves", col([](const SummaryRow& r) { return r.skipped_solves; }));
  f.write("summary/rho", col([](const SummaryRow& r) { return r.m.rho; }));
  f.write("summary/rho_accuracy", col([](const SummaryRow& r) { return r.m.rho_acc; }));
  f.write("summary/tau", col([](const SummaryRow& r) { return r.m.tau; }));
  f.write("summary/regret", col([](const SummaryRow& r) { return r.m.regret; }));
  f.write("summary/perf", col([](const SummaryRow& r) { return r.m.perf; }));
  f.write("summary/proxy_seconds", col([](const SummaryRow& r) { return r.m.proxy_seconds; }));
  f.write("summary/condense_seconds", col([](const SummaryRow& r) { return r.m.condense_seconds; }));
  f.write("summary/rho_top", col([](const SummaryRow& r) { return r.m.rho_top; }));
  f.write("summary/top5_overlap", col([](const SummaryRow& r) { return r.m.top5; }));
}

std::vector<SummaryRow> read_summary(const std::string& path) {
  auto f = io::open_validated(path, io::kResultsSchema);
  std::vector<SummaryRow> out;
  if (!f.exists("summary/method")) return out;
  if (!f.exists("summary/c_train"))
    throw InputError(path, "schema_version",
                     fmt::format("{} has a summary of schema 1.0 (no c_train, c_val, solves); re-run to rewrite it",
                                 f.attr_string("schema_version")));
  auto method = f.read_strings("summary/method");
  auto budget = f.read<double>("summary/budget");
  auto c_train = f.read<std::int64_t>("summary/c_train"), c_val = f.read<std::int64_t>("summary/c_val");
  auto seed = f.read<std::int64_t>("summary/seed");
  auto solves = f.read<std::int64_t>("summary/solves"), skipped = f.read<std::int64_t>("summary/skipped_solves");
  auto rho = f.read<double>("summary/rho"), rho_acc = f.read<double>("summary/rho_accuracy");
  auto tau = f.read<double>("summary/tau"), regret = f.read<double>("summary/regret"), perf = f.read<double>("summary/perf");
  auto proxy_s = f.read<double>("summary/proxy_seconds"), condense_s = f.read<double>("summary/condense_seconds");
  // 1.1 files have no hard-space metrics: NaN (an experiment recomputes them from its rows).
  const bool hard = f.exists("summary/rho_top");
  const std::vector<double> none(method.size(), std::nan(""));
  auto rho_top = hard ? f.read<double>("summary/rho_top") : none;
  auto top5 = hard ? f.read<double>("summary/top5_overlap") : none;
  for (std::size_t i = 0; i < method.size(); ++i)  // the validator checked every column has S entries
    out.push_back({method[i], budget[i], c_train[i], c_val[i], seed[i], solves[i], skipped[i],
                   {rho[i], rho_acc[i], tau[i], regret[i], perf[i], proxy_s[i], condense_s[i], rho_top[i], top5[i]}});
  return out;
}

}  // namespace hcdc::run
