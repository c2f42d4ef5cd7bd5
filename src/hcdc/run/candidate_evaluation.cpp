#include "hcdc/run/candidate_evaluation.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/search/rank_metrics.hpp"

namespace hcdc::run {

std::string truth_key(const JobSpec& job, const std::string& dataset) {
  const auto& e = job.experiment;
  return string_digest(fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", file_digest(dataset), e.space.kind,
                                   e.space.order, e.space.basis, e.space.num_candidates, e.space.low, e.space.high,
                                   e.space.seed, e.space.hidden, e.space.layers, e.evaluate.truth.epochs,
                                   e.evaluate.truth.lr, e.evaluate.truth.weight_decay,
                                   e.evaluate.truth_seeds * 10 + e.evaluate.noise_ceiling) +
                       (e.evaluate.normalize_features ? "n" : "r"));
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
  std::vector<io::ResultRow> rows;
  Progress progress("ground truth", (range.end - range.begin) * total_seeds);
  for (auto c = range.begin; c < range.end; ++c) {
    for (int s = 0; s < total_seeds; ++s) {
      auto r = search::train_and_score(cands[static_cast<std::size_t>(c)], task.train, task.val, &task.test,
                                       task.num_classes, static_cast<std::uint64_t>(s), e.evaluate.truth);
      progress.step();
      rows.push_back({c, s < seeds ? "whole" : "whole-noise", s, r.val_acc, r.val_loss, r.test_acc, r.seconds});
    }
  }
  return rows;
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
                            const std::vector<search::Candidate>& cands) {
  const std::string path = job.output_dir + "/truth.h5";
  const std::string key = truth_key(job, dataset);
  if (std::filesystem::exists(path)) {
    try {
      if (has_truth_key(path, key)) {
        spdlog::info("ground truth: reusing {}", path);
        return truth_from_rows(io::read_results(path).rows, cands.size(), job.experiment.evaluate.truth_seeds);
      }
      spdlog::info("ground truth: {} was computed for another dataset/space/settings; recomputing", path);
    } catch (const InputError& e) {
      spdlog::warn("ground truth: ignoring unreadable cache {}: {}", path, e.what());
    }
  }
  auto rows = truth_rows(task, cands, {0, static_cast<std::int64_t>(cands.size())}, job.experiment);
  io::write_results(path, results_of(job, cands, rows), [&](io::H5File& f) { f.set_attr("truth_key", key); });
  return truth_from_rows(rows, cands.size(), job.experiment.evaluate.truth_seeds);
}

std::vector<io::ResultRow> proxy_rows(const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                                      CandidateRange range, const search::LabelledBlocks& s_train,
                                      const search::LabelledBlocks& s_val, std::int64_t seed,
                                      const ExperimentSpec& e, const std::string& tag) {
  std::vector<io::ResultRow> rows;
  for (auto c = range.begin; c < range.end; ++c) {
    auto r = search::train_and_score(cands[static_cast<std::size_t>(c)], s_train, s_val, &task.test, task.num_classes,
                                     static_cast<std::uint64_t>(seed), e.evaluate.proxy);
    rows.push_back({c, tag, seed, r.val_acc, r.val_loss, r.test_acc, r.seconds});
  }
  return rows;
}

ProxyMetrics proxy_metrics(const std::vector<io::ResultRow>& rows, const Truth& truth, const std::string& proxy_score) {
  if (rows.size() != truth.val_acc.size())
    throw std::logic_error(fmt::format("proxy_metrics: {} rows for {} candidates", rows.size(), truth.val_acc.size()));
  std::vector<double> proxy, proxy_acc;
  ProxyMetrics m;
  for (const auto& r : rows) {
    proxy.push_back(proxy_score == "loss" ? -r.val_loss : r.score);
    proxy_acc.push_back(r.score);
    m.proxy_seconds += r.seconds;
  }
  m.rho = search::spearman_rho(proxy, truth.val_acc);
  m.rho_acc = search::spearman_rho(proxy_acc, truth.val_acc);
  m.tau = search::kendall_tau_b(proxy, truth.val_acc);
  m.regret = search::top1_regret(proxy, truth.val_acc);
  m.perf = truth.test_acc[search::argmax(proxy)];
  return m;
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
  f.write("summary/seed", col([](const SummaryRow& r) { return r.seed; }));
  f.write("summary/rho", col([](const SummaryRow& r) { return r.m.rho; }));
  f.write("summary/rho_accuracy", col([](const SummaryRow& r) { return r.m.rho_acc; }));
  f.write("summary/tau", col([](const SummaryRow& r) { return r.m.tau; }));
  f.write("summary/regret", col([](const SummaryRow& r) { return r.m.regret; }));
  f.write("summary/perf", col([](const SummaryRow& r) { return r.m.perf; }));
  f.write("summary/proxy_seconds", col([](const SummaryRow& r) { return r.m.proxy_seconds; }));
  f.write("summary/condense_seconds", col([](const SummaryRow& r) { return r.m.condense_seconds; }));
}

}  // namespace hcdc::run
