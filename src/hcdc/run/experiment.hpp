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
// How a run treats finished work of the same experiment in its output folder.
enum class ExperimentStart {
  kContinue,  // reuse every finished run and HCDC checkpoint found (the default)
  kResume,    // the same, but refuse (exit 2) when there is nothing of this experiment to continue
};
int run_experiment(const JobSpec& job, const std::string& dataset_path, dist::Communicator& comm,
                   ExperimentStart start = ExperimentStart::kContinue);

}  // namespace hcdc::run
