#include "hcdc/run/job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hcdc/config/canonical.hpp"
#include "hcdc/config/in_section.hpp"
#include "hcdc/config/overrides.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/inspect.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/run/experiment.hpp"
#include "hcdc/run/fold_selection.hpp"
#include "hcdc/run/shared_dataset.hpp"
#include "hcdc/run/solver_spec.hpp"

namespace hcdc::run {
namespace {

void parse_train(config::StrictTable t, hypergrad::InnerOptions& o) {
  o.optimizer = t.get<std::string>("optimizer", o.optimizer);
  o.lr = t.get<double>("lr", o.lr);
  o.momentum = t.get<double>("momentum", o.momentum);
  o.steps = static_cast<int>(t.get<std::int64_t>("steps", o.steps));
  o.finish = t.get<std::string>("finish", o.finish);
  o.ift_tolerance = t.get<double>("ift_tolerance", o.ift_tolerance);
  hypergrad::check_inner_options(o, t.file(), t.qualified(""));
  t.finish();
}

void parse_solver(config::StrictTable t, hypergrad::SolverOptions& o) {
  parse_solver_keys(t, "kind", o);
  t.finish();
}

void parse_hpo(config::StrictTable t, hypergrad::HpoOptions& o) {
  o.lambda_every = static_cast<int>(t.get<std::int64_t>("lambda_every", o.lambda_every));
  o.lambda_lr = t.get<double>("lambda_lr", o.lambda_lr);
  o.warmup = static_cast<int>(t.get<std::int64_t>("warmup", o.warmup));
  o.max_lambda_step = t.get<double>("max_lambda_step", o.max_lambda_step);
  o.hypergrad_train_rows = t.get<std::int64_t>("hypergrad_train_rows", o.hypergrad_train_rows);
  o.hypergrad_val_rows = t.get<std::int64_t>("hypergrad_val_rows", o.hypergrad_val_rows);
  config::in_section(t.file(), "hpo", [&] { hypergrad::check_hpo_options(o); });
  t.finish();
}

// What a generated dataset depends on: the [dataset] section and the job's seed — not the search,
// condensation or output settings, so changing those reuses the dataset (and its digest).
std::string dataset_identity(const toml::table& root) {
  return config::canonical_text(root, {"job.name", "job.output_dir", "job.threads"}, {"dataset", "job"});
}

}  // namespace

JobSpec parse_job_file(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table root = config::parse_toml_file(path);
  config::apply_overrides(root, overrides);
  config::StrictTable top(&root, path, "");
  JobSpec j;
  j.file = path;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  j.text = config::effective_text(ss.str(), root, overrides);
  j.effective = root;
  j.config_digest = string_digest(config::canonical_text(root, kRunIrrelevantKeys));
  parse_job_sections(top, j);
  return j;
}

void parse_job_sections(config::StrictTable& top, JobSpec& j) {
  const std::string& path = top.file();
  auto job = top.table("job");
  j.name = job.require<std::string>("name");
  std::int64_t seed = job.get<std::int64_t>("seed", 0);
  if (seed < 0) job.fail("seed", "must be >= 0");
  j.seed = static_cast<std::uint64_t>(seed);
  std::int64_t threads = job.get<std::int64_t>("threads", 0);
  if (threads < 0 || threads > 1024) job.fail("threads", "must be in [0, 1024] (0: automatic)");
  j.threads = static_cast<int>(threads);
  // (The reference, read from an empty table, shows the default as results/<name>.)
  j.output_dir = job.get<std::string>("output_dir", "results/" + (job.recording() ? std::string("<name>") : j.name));
  job.finish();

  j.dataset = parse_dataset_spec(top.table("dataset"), j.seed);
  j.model = parse_model_spec(top.table("model"));
  parse_train(top.table("train"), j.hpo.inner);
  parse_solver(top.table("solver"), j.hpo.solver);
  parse_hpo(top.table("hpo"), j.hpo);
  auto hg = top.table("hypergrad");
  j.hypergrad_solvers = hg.get<std::vector<std::string>>("solvers", j.hypergrad_solvers);
  for (std::size_t i = 0; i < j.hypergrad_solvers.size(); ++i)
    hypergrad::parse_solver_kind(j.hypergrad_solvers[i], path, fmt::format("hypergrad.solvers[{}]", i));
  if (j.hypergrad_solvers.empty()) hg.fail("solvers", "must name at least one solver");
  hg.finish();
  j.experiment = parse_experiment(top);
  j.nas = parse_nas(top.table("nas"), top.has("nas"), j.experiment.methods);
  j.folds = parse_folds(top.table("folds"), top.has("folds"));
  top.finish();
}

std::string prepare_dataset(const JobSpec& job) {
  std::filesystem::create_directories(job.output_dir);
  data::Provenance prov{static_cast<std::int64_t>(job.seed), job.text, ""};
  std::string out = job.output_dir + "/dataset.h5";
  if (job.dataset.existing_path().empty() && std::filesystem::exists(out)) {
    // Reuse a dataset this job already made, if it is valid and was made from the same config.
    try {
      io::validate_file(out);
      if (dataset_identity(toml::parse(io::H5File::open_read(out).attr_string("config"))) ==
          dataset_identity(job.effective)) {
        spdlog::info("reusing {}", out);
        return out;
      }
    } catch (const InputError&) {
      // Damaged or foreign: regenerate below.
    } catch (const toml::parse_error&) {
      // Written by something else: regenerate below.
    }
  }
  return materialize_dataset(job.dataset, out, prov);
}

int run_job(const JobSpec& job, bool dataset_only, bool resume) {
  auto comm = dist::make_communicator_from_environment();
  int threads = configure_threads(job.threads);
  if (comm->rank() == 0)
    spdlog::info("job '{}' from {}: seed {}, {} threads{}, output in {}", job.name, job.file, job.seed, threads,
                 comm->size() > 1 ? fmt::format(" on each of {} ranks", comm->size()) : "", job.output_dir);
  if (resume && job.experiment.present && !dataset_only) require_something_to_resume(job);
  std::string dataset = prepare_dataset_on_rank0(*comm, job);
  auto report = io::validate_file(dataset);
  if (comm->rank() == 0) spdlog::info("{} is a valid {} {} file", dataset, report.schema_name, report.schema_version);
  if (job.folds.present && !job.experiment.present)
    throw InputError(job.file, "folds", "fold selection needs a [condense] section (methods, budgets, seeds)");
  if (!job.experiment.present || dataset_only) {
    if (comm->rank() != 0) return kExitOk;
    fmt::print("{}", io::inspect_file(dataset));
    fmt::print("job '{}' done: dataset {}\n", job.name, dataset);
    return kExitOk;
  }
  if (job.folds.present) return run_fold_selection(job, dataset, *comm);
  return run_experiment(job, dataset, *comm);
}

}  // namespace hcdc::run
