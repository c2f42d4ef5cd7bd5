#pragma once
// A job file (TOML): [job] settings shared by every job, then the sections of its stages.
#include <cstdint>
#include <string>

#include "hcdc/run/dataset_spec.hpp"

namespace hcdc::run {

struct JobSpec {
  std::string file;        // where it was read from
  std::string text;        // the file's text: recorded in every output as `config`
  std::string name;
  std::uint64_t seed = 0;
  int threads = 0;         // 0: SLURM_CPUS_PER_TASK, else every core
  std::string output_dir;
  DatasetSpec dataset;
};

JobSpec parse_job_file(const std::string& path);

// Runs the job's stages; prints the summary on stdout. Returns an exit code.
int run_job(const JobSpec& job);

}  // namespace hcdc::run
