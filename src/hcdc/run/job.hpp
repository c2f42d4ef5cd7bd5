#pragma once
// A job file (TOML): [job] settings shared by every job, [dataset], and the sections of the
// stages a command runs ([model], [train], [solver], [hpo], [hypergrad], ...).
#include <cstdint>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "hcdc/hypergrad/hpo_trajectory.hpp"
#include "hcdc/run/dataset_spec.hpp"
#include "hcdc/run/experiment_spec.hpp"
#include "hcdc/run/fold_spec.hpp"
#include "hcdc/run/model_spec.hpp"
#include "hcdc/run/nas_spec.hpp"

namespace hcdc::run {

struct JobSpec {
  std::string file;        // where it was read from
  std::string text;        // the file's text: recorded in every output as `config`
  toml::table effective;   // the parsed table after --set overrides
  // CRC-32 of the normalised effective configuration (keys sorted, values canonical) without the
  // keys that do not change the computation (kRunIrrelevantKeys): what a checkpoint must match.
  std::string config_digest;
  std::string name;
  std::uint64_t seed = 0;
  int threads = 0;         // 0: SLURM_CPUS_PER_TASK, else every core
  std::string output_dir;
  DatasetSpec dataset;
  ModelSpec model;
  hypergrad::HpoOptions hpo;          // [train], [solver], [hpo]
  std::vector<std::string> hypergrad_solvers{"exact", "cg", "neumann"};  // [hypergrad]
  ExperimentSpec experiment;  // [search] [evaluate] [condense] [matching] [hcdc]
  NasSpec nas;                // [nas]: `hcdc nas`
  FoldSpec folds;             // [folds]: the experiment ranks folds instead of architectures
};

// Keys that name where things go or how often state is saved, never what is computed;
// hcdc.max_diverged_share only decides whether a finished run is accepted.
inline const std::vector<std::string> kRunIrrelevantKeys{
    "job.name",  "job.output_dir",        "dist.checkpoint_dir",   "dist.keep", "dist.checkpoint_every",
    "dist.checksum_every", "hcdc.max_diverged_share"};

// `overrides`: "section.key=VALUE" settings applied over the file (hcdc ... --set); the job's
// recorded text is then the effective configuration.
JobSpec parse_job_file(const std::string& path, const std::vector<std::string>& overrides = {});
// Every section of the job from `top` into `j` (also run on a recording table to list the keys).
void parse_job_sections(config::StrictTable& top, JobSpec& j);

// `hcdc run`: prepares the dataset, validates and summarises it, then runs the condensation
// experiment when the job has a [condense] section (unless dataset_only). Returns an exit code.
// `resume`: insist on continuing an earlier attempt (exit 2 when there is none).
int run_job(const JobSpec& job, bool dataset_only = false, bool resume = false);
// Materialises the dataset into output_dir (or validates the given file); returns its path.
std::string prepare_dataset(const JobSpec& job);

}  // namespace hcdc::run
