#pragma once
#include <string>

#include "hcdc/dist/communicator.hpp"
#include "hcdc/run/job.hpp"

namespace hcdc::run {

// The condensation experiment of a job (Table 2): ground truth (cached), then for every budget,
// seed and method a condensed set, its proxy ranking of every candidate, and the metrics.
// Writes <output_dir>/truth.h5, condensed/*.h5, results.h5 and summary.md; prints the table.
// Collective: under mpirun/srun the ground truth is split by candidates and the runs by rounds
// (rank k takes the k-th pending run); rank 0 writes every file. Each run is computed whole on one
// rank, so the table does not depend on the number of ranks (only on the thread count).
// Finished runs and HCDC checkpoints found in the output folder are reused, never redone.
int run_experiment(const JobSpec& job, const std::string& dataset_path, dist::Communicator& comm);

// `hcdc run --resume` on an output folder with nothing of an experiment in it (no results.h5, no
// checkpoints/): one InputError naming --resume, before anything is written. Checked for every
// kind of job with a [condense] section, so a mistyped job.output_dir never silently starts over.
void require_something_to_resume(const JobSpec& job);

}  // namespace hcdc::run
