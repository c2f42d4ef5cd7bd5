#include "hcdc/run/evaluate_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <regex>

#include "hcdc/condense/condensed_tensors.hpp"
#include "hcdc/condense/dense_graph_proxy.hpp"
#include "hcdc/condense/image_matching.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/data/condensed_set.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/run/experiment_results.hpp"
#include "hcdc/run/experiment_task.hpp"
#include "hcdc/run/row_exchange.hpp"
#include "hcdc/run/shared_dataset.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/rank_metrics.hpp"
#include "hcdc/search/transfer_training.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;

struct Slice {
  int index = 0, count = 1;
};

Slice parse_slice(const std::string& s) {
  if (s.empty()) return {};
  std::smatch m;
  if (!std::regex_match(s, m, std::regex(R"((\d+)/(\d+))")))
    throw InputError("", "--slice", fmt::format("expected I/N (slice I of N, 0 ≤ I < N), got '{}'", s));
  Slice out{std::stoi(m[1]), std::stoi(m[2])};
  if (out.count < 1 || out.index >= out.count)
    throw InputError("", "--slice", fmt::format("expected 0 ≤ I < N, got '{}'", s));
  return out;
}

CandidateRange as_range(std::pair<std::int64_t, std::int64_t> r) { return {r.first, r.second}; }

std::string slice_path(const JobSpec& job, int index, int count) {
  return fmt::format("{}/truth-slice-{}-of-{}.h5", job.output_dir, index, count);
}

// The candidates this rank scores: its balanced share of the slice's balanced share.
CandidateRange my_candidates(const JobSpec& job, std::int64_t p, Slice slice, const dist::Communicator& comm) {
  if (p < slice.count)
    throw InputError("", "--slice", fmt::format("{} slices but only {} candidates", slice.count, p));
  CandidateRange s = as_range(dist::owned_range(p, slice.index, slice.count));
  const std::int64_t n = s.end - s.begin;
  if (n < comm.size())
    throw InputError(job.file, "search.num_candidates",
                     fmt::format("{} ranks but only {} candidates to score: every rank needs at least one", comm.size(), n));
  CandidateRange mine = as_range(dist::owned_range(n, comm.rank(), comm.size()));
  return {s.begin + mine.begin, s.begin + mine.end};
}

// The ground truth at `path` if it was computed for this job's dataset, space and settings.
std::optional<Truth> matching_truth(const JobSpec& job, const std::string& dataset, const std::string& path,
                                    bool required, const std::vector<search::Candidate>& cands) {
  if (!fs::exists(path)) {
    if (required) throw InputError(path, "--truth", "file does not exist");
    spdlog::warn("no ground truth at {}: proxy metrics skipped (run `hcdc evaluate {}` first)", path, job.file);
    return std::nullopt;
  }
  if (!has_truth_key(path, truth_key(job, dataset, cands))) {
    if (required)
      throw InputError(path, "truth_key", "this ground truth was computed for another dataset, search space or settings");
    spdlog::warn("{} is a ground truth of another dataset/space/settings: proxy metrics skipped", path);
    return std::nullopt;
  }
  return read_truth(path, job, cands);
}

int merge_slices(const JobSpec& job, const std::string& dataset, const std::vector<search::Candidate>& cands,
                 int count, const std::string& out) {
  const std::string key = truth_key(job, dataset, cands);
  const auto p = static_cast<std::int64_t>(cands.size());
  std::vector<io::ResultRow> rows;
  for (int i = 0; i < count; ++i) {
    const std::string path = slice_path(job, i, count);
    if (!fs::exists(path))
      throw InputError(path, "--merge-slices", fmt::format("slice {} of {} is missing (did array task {} finish?)", i, count, i));
    if (!has_truth_key(path, key))
      throw InputError(path, "truth_key", "this slice was computed for another dataset, search space or settings");
    auto f = io::H5File::open_read(path);
    auto want = dist::owned_range(p, i, count);
    if (f.attr_int("slice_index") != i || f.attr_int("slice_count") != count ||
        f.attr_int("candidate_begin") != want.first || f.attr_int("candidate_end") != want.second)
      throw InputError(path, "slice_index", fmt::format("does not hold slice {} of {}", i, count));
    auto part = io::read_results(path).rows;
    for (const auto& r : part)
      if (r.candidate < want.first || r.candidate >= want.second)
        throw InputError(path, "rows/candidate",
                         fmt::format("candidate {} is outside slice {} of {} ([{}, {}))", r.candidate, i, count,
                                     want.first, want.second));
    rows.insert(rows.end(), part.begin(), part.end());
  }
  // Complete and without duplicates before anything is written.
  truth_from_rows(rows, cands.size(), job.experiment.evaluate.truth_seeds, job.experiment.evaluate.noise_ceiling,
                  slice_path(job, 0, count));
  io::write_results(out, results_of(job, cands, rows), [&](io::H5File& f) { f.set_attr("truth_key", key); });
  fmt::print("evaluate: merged {} slices ({} rows, {} candidates) into {}\n", count, rows.size(), p, out);
  return kExitOk;
}

// What every --transfer results file records about how it was trained.
void set_transfer_attrs(io::H5File& f, const EvaluateRequest& req, const search::TransferSettings& t,
                        const std::string& metric, int ranks, double seconds) {
  f.set_attr("proxy_file", req.proxy);
  f.set_attr("metric", metric);
  f.set_attr("transfer_epochs", static_cast<std::int64_t>(t.epochs));
  f.set_attr("transfer_lr", t.lr);
  f.set_attr("transfer_weight_decay", t.weight_decay);
  f.set_attr("transfer_lr_drop", static_cast<std::int64_t>(t.lr_drop ? 1 : 0));
  f.set_attr("ranks", static_cast<std::int64_t>(ranks));
  f.set_attr("seconds", seconds);
}

// --transfer with [transfer] network = "matching-convnet" (images): DC's evaluation — its ConvNet of
// the [matching] shape trained `runs` times on S_train by DC's SGD protocol, the last epoch scored
// on the original validation and test splits. One pseudo-candidate (the network) in the results;
// rows "transfer-convnet:<method>", runs split across ranks.
int convnet_transfer(const JobSpec& job, const condense::GraphTask& task, const search::LabelledBlocks& s_train,
                     const data::CondensedSet& cs, const EvaluateRequest& req, dist::Communicator& comm) {
  const ExperimentSpec& e = job.experiment;
  const search::TransferSettings& t = e.transfer;
  auto it = e.method_sections.find("matching");
  const auto mo = it == e.method_sections.end() ? condense::MatchingOptions{}
                                                : std::any_cast<condense::MatchingOptions>(it->second);
  condense::ConvNetTraining ct;
  ct.epochs = t.epochs;
  ct.lr = t.lr;
  ct.weight_decay = t.weight_decay;
  ct.batch = t.batch_size;
  ct.lr_drop = t.lr_drop;
  ct.dsa_augment = t.dsa_augment;
  search::Candidate net_candidate;
  net_candidate.name = fmt::format("matching-convnet-d{}-w{}{}", mo.image_depth, mo.image_width, mo.image_norm ? "-instance" : "");
  net_candidate.family = "matching-convnet";
  net_candidate.lambda = {1.0};
  const std::string tag = "transfer-convnet:" + cs.method;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<io::ResultRow> mine_rows;
  for (int r = comm.rank(); r < t.runs; r += comm.size()) {
    const std::uint64_t seed = job.seed + static_cast<std::uint64_t>(r);
    auto r0 = std::chrono::steady_clock::now();
    auto net = condense::train_matching_convnet(s_train, task.num_classes, mo, ct, seed);
    const double val = condense::convnet_accuracy(net, task.val), test = condense::convnet_accuracy(net, task.test);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    spdlog::info("transfer: {} seed {}: validation accuracy {:.4f}, test accuracy {:.4f} ({:.1f}s)", net_candidate.name,
                 seed, val, test, secs);
    mine_rows.push_back({0, tag, static_cast<std::int64_t>(seed), val, std::nan(""), test, secs});
  }
  auto rows = gather_rows(comm, mine_rows);
  if (comm.rank() == 0) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string out = !req.out.empty()
                                ? req.out
                                : fmt::format("{}/transfer-convnet-{}.h5", job.output_dir, fs::path(req.proxy).stem().string());
    io::write_results(out, results_of(job, {net_candidate}, rows), [&](io::H5File& f) {
      set_transfer_attrs(f, req, t, "accuracy", comm.size(), seconds);
      f.set_attr("transfer_network", net_candidate.name);
      f.set_attr("transfer_batch_size", t.batch_size);
      f.set_attr("transfer_augment", std::string(t.dsa_augment ? "dsa" : "none"));
    });
    std::vector<double> test_scores, val_scores;
    for (const auto& r : rows) {
      test_scores.push_back(r.test_score);
      val_scores.push_back(r.score);
    }
    fmt::print("transfer: {} trained on {} ({} |S_train| {}): test accuracy {:.4f} ± {:.4f}, validation {:.4f} ± {:.4f} "
               "over {} runs in {:.1f}s; wrote {}\n",
               net_candidate.name, req.proxy, cs.method, cs.y_train.size(), mean_of(test_scores), stdev(test_scores),
               mean_of(val_scores), stdev(val_scores), test_scores.size(), seconds, out);
  }
  comm.barrier();
  return kExitOk;
}

// --transfer: every candidate of `mine` trained on S_train `runs` times and scored on the original
// splits; rows named "transfer:<method>", score = validation score at the chosen epoch.
int transfer_on_proxy(const JobSpec& job, const condense::GraphTask& task, const std::vector<search::Candidate>& cands,
                      CandidateRange mine, const search::LabelledBlocks& s_train, const data::CondensedSet& cs,
                      const EvaluateRequest& req, dist::Communicator& comm) {
  const ExperimentSpec& e = job.experiment;
  const search::TransferSettings& t = e.transfer;
  const bool graph = s_train.graph != nullptr;
  const auto& val = graph ? task.graph_val : task.val;
  const auto& test = graph ? task.graph_test : task.test;
  const std::string metric = search::score_metric_name(e.evaluate.truth.metric);
  const std::string tag = "transfer:" + cs.method;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<io::ResultRow> mine_rows;
  for (std::int64_t c = mine.begin; c < mine.end; ++c)
    for (int r = 0; r < t.runs; ++r) {
      const std::uint64_t seed = job.seed + static_cast<std::uint64_t>(r);
      auto sc = search::train_on_condensed(cands[static_cast<std::size_t>(c)], s_train, val, test, task.num_classes, seed,
                                           t, e.evaluate.truth.metric);
      spdlog::info("transfer: {} seed {}: validation {} {:.4f} at epoch {} of {}, test {:.4f} ({:.1f}s)",
                   cands[static_cast<std::size_t>(c)].name, seed, metric, sc.val_score, sc.best_epoch + 1, t.epochs,
                   sc.test_score, sc.seconds);
      mine_rows.push_back({c, tag, static_cast<std::int64_t>(seed), sc.val_score, sc.val_loss, sc.test_score, sc.seconds});
    }
  auto rows = gather_rows(comm, mine_rows);
  if (comm.rank() == 0) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string out = !req.out.empty()
                                ? req.out
                                : fmt::format("{}/transfer-{}.h5", job.output_dir, fs::path(req.proxy).stem().string());
    io::write_results(out, results_of(job, cands, rows), [&](io::H5File& f) {
      set_transfer_attrs(f, req, t, metric, comm.size(), seconds);
      f.set_attr("transfer_dropout", t.dropout);
    });
    for (std::size_t c = 0; c < cands.size(); ++c) {
      std::vector<double> test_scores, val_scores;
      for (const auto& r : rows)
        if (r.candidate == static_cast<std::int64_t>(c)) {
          test_scores.push_back(r.test_score);
          val_scores.push_back(r.score);
        }
      fmt::print("transfer: {} trained on {} ({} |S_train| {}): test {} {:.4f} ± {:.4f}, validation {:.4f} ± {:.4f} "
                 "over {} runs\n",
                 cands[c].name, req.proxy, cs.method, cs.y_train.size(), metric, mean_of(test_scores),
                 stdev(test_scores), mean_of(val_scores), stdev(val_scores), test_scores.size());
    }
    fmt::print("transfer: {} candidates × {} runs on {} ranks in {:.1f}s; wrote {}\n", cands.size(), t.runs, comm.size(),
               seconds, out);
  }
  comm.barrier();
  return kExitOk;
}

}  // namespace

int run_evaluate(const JobSpec& job, const EvaluateRequest& req) {
  const ExperimentSpec& e = job.experiment;
  if (req.merge_slices > 0 && (!req.proxy.empty() || !req.slice.empty()))
    throw InputError("", "--merge-slices", "cannot be combined with --proxy or --slice");
  if (req.transfer && req.proxy.empty()) throw InputError("", "--transfer", "needs --proxy (the condensed set to train on)");
  if (!req.proxy.empty() && !req.slice.empty())
    throw InputError("", "--slice", "slices split the ground truth; a proxy is scored whole (use ranks to split it)");
  const Slice slice = parse_slice(req.slice);
  auto comm = dist::make_communicator_from_environment();
  configure_threads(job.threads);
  fs::create_directories(job.output_dir);
  const std::string dataset = prepare_dataset_on_rank0(*comm, job);
  auto cands = search::make_candidates(e.space);
  const auto p = static_cast<std::int64_t>(cands.size());

  if (req.merge_slices > 0) {
    int rc = kExitOk;
    if (comm->rank() == 0) rc = merge_slices(job, dataset, cands, req.merge_slices, req.out.empty() ? job.output_dir + "/truth.h5" : req.out);
    comm->barrier();
    return rc;
  }

  condense::GraphTask task = load_experiment_task(*comm, job, dataset);
  const CandidateRange mine = my_candidates(job, p, slice, *comm);
  const CandidateRange sliced = as_range(dist::owned_range(p, slice.index, slice.count));
  auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  if (req.proxy.empty()) {
    spdlog::info("evaluate: ground truth of candidates [{}, {}) of {}; this rank scores [{}, {}) ({} ranks)",
                 sliced.begin, sliced.end, p, mine.begin, mine.end, comm->size());
    auto rows = gather_rows(*comm, truth_rows(task, cands, mine, e));
    const bool whole = slice.count == 1;
    const std::string out =
        !req.out.empty() ? req.out : whole ? job.output_dir + "/truth.h5" : slice_path(job, slice.index, slice.count);
    if (comm->rank() == 0) {
      io::write_results(out, results_of(job, cands, rows), [&](io::H5File& f) {
        f.set_attr("truth_key", truth_key(job, dataset, cands));
        f.set_attr("slice_index", static_cast<std::int64_t>(slice.index));
        f.set_attr("slice_count", static_cast<std::int64_t>(slice.count));
        f.set_attr("candidate_begin", sliced.begin);
        f.set_attr("candidate_end", sliced.end);
        f.set_attr("ranks", static_cast<std::int64_t>(comm->size()));
        f.set_attr("seconds", seconds());
      });
      fmt::print("evaluate: ground truth of candidates [{}, {}) of {} on {} ranks: {} rows in {:.1f}s; wrote {}\n",
                 sliced.begin, sliced.end, p, comm->size(), rows.size(), seconds(), out);
      if (whole) {
        Truth t = truth_from_rows(rows, cands.size(), e.evaluate.truth_seeds, e.evaluate.noise_ceiling, out);
        auto best = search::argmax(t.val_score);
        const std::string& metric = search::score_metric_name(e.evaluate.truth.metric);
        fmt::print("evaluate: search on the original picks {} (validation {} {:.4f}, test {} {:.4f})\n",
                   cands[best].name, metric, t.val_score[best], metric, t.test_score[best]);
      }
    }
    comm->barrier();
    return kExitOk;
  }

  auto cs = data::read_condensed_set(req.proxy);
  const auto& family = search::candidate_families().at(cands.front().family);
  check_proxy_fits(cs, req.proxy, dataset, task, family);
  const auto dt = task.train.x.scalar_type();
  auto [s_train, s_val] = [&] {
    auto pair = condense::from_condensed_set(cs, dt);
    if (!family.message_passing) return std::make_pair(pair.s_train, pair.s_val);
    auto proxy = condense::dense_graph_proxy(pair);  // node features over the file's graph
    return std::make_pair(proxy.s_train, proxy.s_val);
  }();
  if (req.transfer && e.transfer.network == search::TransferSettings::Network::kMatchingConvNet)
    return convnet_transfer(job, task, s_train, cs, req, *comm);
  if (req.transfer) return transfer_on_proxy(job, task, cands, mine, s_train, cs, req, *comm);
  spdlog::info("evaluate: {} candidates on {} (|S_train| {}, |S_val| {}); this rank scores [{}, {}) ({} ranks)", p,
               req.proxy, cs.y_train.size(), cs.y_val.size(), mine.begin, mine.end, comm->size());
  auto rows = gather_rows(*comm, proxy_rows(task, cands, mine, s_train, s_val, cs.seed, e, cs.method));
  if (comm->rank() == 0) {
    const std::string truth_path = req.truth.empty() ? job.output_dir + "/truth.h5" : req.truth;
    auto truth = matching_truth(job, dataset, truth_path, !req.truth.empty(), cands);
    const std::string out = !req.out.empty()
                                ? req.out
                                : fmt::format("{}/evaluation-{}.h5", job.output_dir, fs::path(req.proxy).stem().string());
    std::vector<SummaryRow> summary;
    auto metric = [&](const char* key) {
      auto it = cs.run_metrics.find(key);
      return it == cs.run_metrics.end() ? std::int64_t{0} : static_cast<std::int64_t>(std::llround(it->second));
    };
    // budget is a fraction of n everywhere; the condensed file's own `budget` attribute is c_train.
    if (truth)
      summary.push_back({cs.method, static_cast<double>(cs.budget) / static_cast<double>(task.num_nodes), cs.budget,
                         static_cast<std::int64_t>(cs.y_val.size()), cs.seed, metric("solves"),
                         metric("skipped_solves"), proxy_metrics(rows, *truth, e.evaluate.proxy_score)});
    io::write_results(out, results_of(job, cands, rows), [&](io::H5File& f) {
      write_summary(f, summary);
      f.set_attr("proxy_file", req.proxy);
      f.set_attr("proxy_score", e.evaluate.proxy_score);
      f.set_attr("metric", search::score_metric_name(e.evaluate.truth.metric));
      f.set_attr("ranks", static_cast<std::int64_t>(comm->size()));
      f.set_attr("seconds", seconds());
    });
    fmt::print("evaluate: {} candidates on {} ({} ranks) in {:.1f}s; wrote {}\n", p, req.proxy, comm->size(), seconds(), out);
    if (truth) {
      const auto& m = summary.front().m;
      fmt::print("evaluate: {} proxy vs ground truth: Spearman ρ {:.3f}, Kendall τ-b {:.3f}, top-1 regret {:.4f}, "
                 "test {} of its pick {:.4f}; search {:.1f}s on the proxy vs {:.1f}s on the original\n",
                 cs.method, m.rho, m.tau, m.regret, search::score_metric_name(e.evaluate.truth.metric), m.perf, m.proxy_seconds, truth->search_seconds);
    }
  }
  comm->barrier();
  return kExitOk;
}

}  // namespace hcdc::run
