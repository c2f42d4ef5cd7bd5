#include "hcdc/run/nas_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>

#include "hcdc/condense/condensed_tensors.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/markdown.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/io/atomic_output.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/validated_file.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/run/experiment_task.hpp"
#include "hcdc/run/shared_dataset.hpp"
#include "hcdc/search/architecture_search.hpp"
#include "hcdc/search/candidate_training.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;
using search::Candidate;

// The data one search trains its candidates on and how it scores them.
struct SearchData {
  std::string name;  // "original" or the proxy's condensation method
  search::LabelledBlocks train, val;
  search::TrainSettings settings;
  bool by_loss = false;  // rank by −loss on val (else by the settings' metric)
  std::uint64_t seed = 0;
  double condense_seconds = 0;
};

// Every proxy the section names, read and checked before any training starts.
std::vector<SearchData> search_data(const JobSpec& job, const std::string& dataset, const condense::GraphTask& task,
                                    const search::CandidateFamily& family) {
  const ExperimentSpec& e = job.experiment;
  const NasSpec& n = job.nas;
  const double budget = n.budget > 0 ? n.budget : e.budgets.front();
  const std::int64_t seed = n.condense_seed >= 0 ? n.condense_seed : e.seeds.front();
  std::vector<SearchData> out;
  for (const auto& source : n.sources) {
    SearchData d;
    d.name = source;
    if (source == "original") {
      d.train = task.train;
      d.val = task.val;
      d.settings = e.evaluate.truth;
      out.push_back(std::move(d));
      continue;
    }
    const std::string path = condensed_path(job, source, budget, seed);
    if (!fs::exists(path))
      throw InputError(path, "nas.sources",
                       fmt::format("no condensed set of '{}' at budget {:.4g} seed {} (nas.budget, nas.condense_seed); "
                                   "`hcdc run {}` writes it",
                                   source, budget, seed, job.file));
    auto cs = data::read_condensed_set(path);
    check_proxy_fits(cs, path, dataset, task, family);
    auto pair = condense::from_condensed_set(cs, task.train.x.scalar_type());
    d.train = pair.s_train;
    d.val = pair.s_val;
    d.settings = e.evaluate.proxy;
    d.by_loss = e.evaluate.proxy_score == "loss";
    d.seed = static_cast<std::uint64_t>(cs.seed);
    if (auto it = cs.run_metrics.find("condense_seconds"); it != cs.run_metrics.end()) d.condense_seconds = it->second;
    out.push_back(std::move(d));
  }
  return out;
}

// What a found architecture scores on the original data: trained on the training split with the
// ground truth's settings, mean over its seeds. By architecture (λ and width), not by name: the
// generated candidates carry an index in their names that evolution's do not.
struct Verified {
  double val = 0, test = 0;
};

class Verifier {
 public:
  Verifier(const condense::GraphTask& task, const ExperimentSpec& e) : task_(task), e_(e) {}
  Verified operator()(const Candidate& c) {
    const std::string key = fmt::format("{}|{}", c.hidden, fmt::join(c.lambda, ","));
    if (auto it = done_.find(key); it != done_.end()) return it->second;
    Verified v;
    for (int s = 0; s < e_.evaluate.truth_seeds; ++s) {
      auto r = search::train_and_score(c, task_.train, task_.val, &task_.test, task_.num_classes,
                                       static_cast<std::uint64_t>(s), e_.evaluate.truth);
      v.val += r.val_score / e_.evaluate.truth_seeds;
      v.test += r.test_score / e_.evaluate.truth_seeds;
    }
    return done_[key] = v;
  }

 private:
  const condense::GraphTask& task_;
  const ExperimentSpec& e_;
  std::map<std::string, Verified> done_;
};

struct SearchRow {
  std::string source, algorithm;
  search::SearchOutcome outcome;
  double condense_seconds = 0;
  Verified found;
};

std::int64_t trained(const search::SearchOutcome& o) {
  return std::count_if(o.history.begin(), o.history.end(), [](const search::Evaluation& e) { return !e.repeat; });
}

void write_nas(const std::string& path, const JobSpec& job, const std::string& dataset,
               const std::vector<SearchRow>& rows) {
  io::write_validated(path, "hcdc.nas", [&](io::H5File& f) {
    f.set_attr("seed", static_cast<std::int64_t>(job.seed));
    f.set_attr("config", job.text);
    f.set_attr("dataset", dataset);
    f.set_attr("proxy_score", job.experiment.evaluate.proxy_score);
    f.set_attr("budget", job.nas.budget > 0 ? job.nas.budget : job.experiment.budgets.front());
    f.set_attr("condense_seed", job.nas.condense_seed >= 0 ? job.nas.condense_seed : job.experiment.seeds.front());
    std::vector<std::string> source, algorithm, found, candidate;
    std::vector<double> found_val, found_test, search_s, condense_s, score, seconds;
    std::vector<std::int64_t> evaluations, n_trained, search, repeat;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      source.push_back(r.source);
      algorithm.push_back(r.algorithm);
      found.push_back(r.outcome.history[r.outcome.best].candidate.name);
      found_val.push_back(r.found.val);
      found_test.push_back(r.found.test);
      search_s.push_back(r.outcome.seconds);
      condense_s.push_back(r.condense_seconds);
      evaluations.push_back(static_cast<std::int64_t>(r.outcome.history.size()));
      n_trained.push_back(trained(r.outcome));
      for (const auto& ev : r.outcome.history) {
        search.push_back(static_cast<std::int64_t>(i));
        candidate.push_back(ev.candidate.name);
        score.push_back(ev.score);
        seconds.push_back(ev.seconds);
        repeat.push_back(ev.repeat ? 1 : 0);
      }
    }
    f.write_strings("searches/source", source);
    f.write_strings("searches/algorithm", algorithm);
    f.write_strings("searches/found", found);
    f.write("searches/found_val", found_val);
    f.write("searches/found_test", found_test);
    f.write("searches/search_seconds", search_s);
    f.write("searches/condense_seconds", condense_s);
    f.write("searches/evaluations", evaluations);
    f.write("searches/trained", n_trained);
    f.write("history/search", search);
    f.write_strings("history/candidate", candidate);
    f.write("history/score", score);
    f.write("history/seconds", seconds);
    f.write("history/repeat", repeat);
  });
}

// The table: each search's time against the same algorithm on the original data, and what its
// find scores on the original data against what that search found.
std::string nas_table(const JobSpec& job, const std::vector<SearchRow>& rows) {
  const std::string& metric = search::score_metric_name(job.experiment.evaluate.truth.metric);
  std::string md = fmt::format("# {} — architecture search on the original data and on proxies\n\n", job.name);
  md += fmt::format("Found: the architecture with the best score on the search's data; its {} is that architecture "
                    "trained on the original training split (ground-truth settings, mean of {} seeds). Speed-up: "
                    "the original data's search time over this search's (the same algorithm); with condensation: "
                    "the proxy's condensation time added.\n\n",
                    metric, job.experiment.evaluate.truth_seeds);
  md += "| data | algorithm | evaluations (trained) | search (s) | speed-up | with condensation | found | val | test | "
        "test − original's find (pts) |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    const SearchRow* base = nullptr;
    for (const auto& o : rows)
      if (o.source == "original" && o.algorithm == r.algorithm) base = &o;
    const bool proxy = r.source != "original";
    auto speed = [&](double extra) {
      return base != nullptr && proxy ? fmt::format("{:.1f}×", base->outcome.seconds / (r.outcome.seconds + extra)) : "–";
    };
    md += fmt::format("| {} | {} | {} ({}) | {:.1f} | {} | {} | {} | {:.1f} | {:.1f} | {} |\n", r.source, r.algorithm,
                      r.outcome.history.size(), trained(r.outcome), r.outcome.seconds, speed(0),
                      speed(r.condense_seconds), markdown_cell(r.outcome.history[r.outcome.best].candidate.name), 100 * r.found.val,
                      100 * r.found.test,
                      base != nullptr && proxy ? fmt::format("{:+.1f}", 100 * (r.found.test - base->found.test)) : "–");
  }
  return md;
}

}  // namespace

int run_nas(const JobSpec& job) {
  const ExperimentSpec& e = job.experiment;
  const NasSpec& n = job.nas;
  if (!n.present)
    throw InputError(job.file, "nas", "has no [nas] section (jobs/table1_fashion_mnist.toml has one; jobs/README.md)");
  if (!e.present) throw InputError(job.file, "condense", "`hcdc nas` searches a condensation experiment's space: the job needs [condense]");
  auto comm = dist::make_communicator_from_environment();
  if (comm->size() > 1)
    throw InputError(job.file, "nas", fmt::format("`hcdc nas` runs on one rank (started on {})", comm->size()));
  configure_threads(job.threads);
  fs::create_directories(job.output_dir);
  const std::string dataset = prepare_dataset_on_rank0(*comm, job);
  condense::GraphTask task = load_experiment_task(*comm, job, dataset);
  auto cands = search::make_candidates(e.space);
  const bool evolution = std::find(n.algorithms.begin(), n.algorithms.end(), "evolution") != n.algorithms.end();
  if (evolution && !search::can_walk(e.space))
    throw InputError(job.file, "nas.algorithms",
                     fmt::format("evolution needs a space it can sample and mutate (search.kind \"cell\"); \"{}\" "
                                 "has only its generated candidates: use [\"grid\"]",
                                 e.space.kind));
  const auto sources = search_data(job, dataset, task, search::candidate_families().at(e.space.family));
  spdlog::info("nas: {} on {} ({} generated candidates; evolution: {} evaluations, population {}, sample {})",
               fmt::join(n.algorithms, " and "), fmt::join(n.sources, ", "), cands.size(), n.evolution.evaluations,
               n.evolution.population, n.evolution.sample_size);

  Verifier verify(task, e);
  std::vector<SearchRow> rows;
  for (const auto& d : sources)
    for (const auto& algorithm : n.algorithms) {
      Progress progress(fmt::format("nas {} on {}", algorithm, d.name),
                        algorithm == "grid" ? static_cast<std::int64_t>(cands.size()) : n.evolution.evaluations);
      search::Scorer score = [&](const Candidate& c) {
        auto r = search::train_and_score(c, d.train, d.val, nullptr, task.num_classes, d.seed, d.settings);
        progress.step();
        return d.by_loss ? -r.val_loss : r.val_score;
      };
      SearchRow row{d.name, algorithm, {}, d.condense_seconds, {}};
      if (algorithm == "grid") {
        row.outcome = search::grid_search(cands, score);
      } else {
        row.outcome = search::regularized_evolution(
            n.evolution, [&](std::mt19937_64& rng) { return search::sample_candidate(e.space, rng); },
            [&](const Candidate& c, std::mt19937_64& rng) { return search::mutate_candidate(e.space, c, rng); }, score);
      }
      const Candidate& found = row.outcome.history[row.outcome.best].candidate;
      row.found = verify(found);
      spdlog::info("nas {} on {}: {} evaluations ({} trained) in {:.1f}s; found {} (score {:.4f}): original val {:.4f}, "
                   "test {:.4f}",
                   algorithm, d.name, row.outcome.history.size(), trained(row.outcome), row.outcome.seconds, found.name,
                   row.outcome.history[row.outcome.best].score, row.found.val, row.found.test);
      rows.push_back(std::move(row));
    }

  const std::string h5 = job.output_dir + "/nas.h5", md_path = job.output_dir + "/nas.md";
  write_nas(h5, job, dataset, rows);
  const std::string md = nas_table(job, rows);
  io::write_text_file(md_path, md);
  fmt::print("{}\nresults: {}\ntable: {}\n", md, h5, md_path);
  return kExitOk;
}

}  // namespace hcdc::run
