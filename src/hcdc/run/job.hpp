#pragma once
// A job file (TOML): [job] settings shared by every job, [dataset], and the sections of the
// stages a command runs ([model], [train], [solver], [hpo], [hypergrad], ...).
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/hypergrad/hpo_trajectory.hpp"
#include "hcdc/run/dataset_spec.hpp"
#include "hcdc/run/experiment_spec.hpp"
#include "hcdc/run/model_spec.hpp"

namespace hcdc::run {

struct JobSpec {
  std::string file;        // where it was read from
  std::string text;        // the file's text: recorded in every output as `config`
  std::string name;
  std::uint64_t seed = 0;
  int threads = 0;         // 0: SLURM_CPUS_PER_TASK, else every core
  std::string output_dir;
  DatasetSpec dataset;
  ModelSpec model;
  hypergrad::HpoOptions hpo;          // [train], [solver], [hpo]
  std::vector<std::string> hypergrad_solvers{"exact", "cg", "neumann"};  // [hypergrad]
  ExperimentSpec experiment;  // [search] [evaluate] [condense] [matching] [hcdc]
};

// `overrides`: "section.key=VALUE" settings applied over the file (hcdc ... --set); the job's
// recorded text is then the effective configuration.
JobSpec parse_job_file(const std::string& path, const std::vector<std::string>& overrides = {});

// `hcdc run`: prepares the dataset, validates and summarises it, then runs the condensation
// experiment when the job has a [condense] section (unless dataset_only). Returns an exit code.
int run_job(const JobSpec& job, bool dataset_only = false);
// Materialises the dataset into output_dir (or validates the given file); returns its path.
std::string prepare_dataset(const JobSpec& job);

}  // namespace hcdc::run
