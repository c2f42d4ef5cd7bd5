#pragma once
// The one HCDC driver, used by `hcdc condense` (the ranks share one run's trajectories) and by
// `hcdc run` (each rank drives its own runs): the outer loop over learner steps with its sync
// points, the stop signal agreed across ranks, S_val checksums, periodic checkpoints and the
// resume from the newest valid one.
#include <cstdint>
#include <string>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/condense/hcdc.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/io/checkpoint_store.hpp"
#include "hcdc/run/experiment_spec.hpp"

namespace hcdc::run {

enum class Resume {
  kRequired,  // `--resume`: a valid checkpoint must exist
  kIfPresent, // continue from a valid checkpoint when there is one (hcdc run)
  kNever      // a fresh run; existing checkpoints are an error (they would be overwritten)
};

struct DriveResult {
  bool stopped = false;         // stopped by a signal after a checkpoint (resumable)
  std::int64_t steps = 0;       // steps this call ran
  double seconds = 0, bytes_per_step = 0;
  double comm_seconds_min = 0, comm_seconds_max = 0;  // time inside collectives, over ranks
  std::string resumed_from;     // the checkpoint this call started from, if any
};

// The trajectories rank `comm.rank()` walks: its balanced contiguous slice of `p`.
std::vector<std::int64_t> owned_trajectories(std::int64_t p, const dist::Communicator& comm);


// What identifies one condensation run (for its checkpoints): the normalised job, the method, the
// budget and the seed.
std::string run_digest(const std::string& config_digest, const std::string& method, double budget, std::int64_t seed);

// Collective. Runs `learner` to its end, or until a SIGTERM/SIGUSR1 on any rank (then checkpoints
// and returns stopped). `digest` identifies the run: a checkpoint of another run is an error.
DriveResult drive_hcdc(dist::Communicator& comm, condense::HcdcLearner& learner, io::CheckpointStore& store,
                       const DistSpec& dist, int lambda_every, const std::string& digest, std::int64_t seed,
                       const std::string& config, Resume resume, const std::string& progress_name);

}  // namespace hcdc::run
