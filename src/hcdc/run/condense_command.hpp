#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "hcdc/run/job.hpp"

namespace hcdc::run {

struct CondenseRequest {
  std::string method = "hcdc";
  std::optional<double> budget;          // default: the job's first budget
  std::optional<std::int64_t> seed;      // default: the job's first seed
  bool resume = false;
};

// `hcdc condense JOB`: one condensed set. HCDC runs distributed when started under mpirun/srun
// (ranks own slices of the trajectories), checkpoints to [dist].checkpoint_dir, stops cleanly on
// SIGTERM/SIGUSR1 (exit code 3, resumable with --resume). Rank 0 writes
// <output_dir>/condensed-<method>.h5.
int run_condense(const JobSpec& job, const CondenseRequest& req);

}  // namespace hcdc::run
