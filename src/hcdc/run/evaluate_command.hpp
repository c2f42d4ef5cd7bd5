#pragma once
#include <string>

#include "hcdc/run/job.hpp"

namespace hcdc::run {

struct EvaluateRequest {
  std::string proxy;      // a condensed set: score the candidates on it; empty: the ground truth
  std::string truth;      // ground truth for the proxy's metrics (default <output_dir>/truth.h5)
  std::string slice;      // "I/N": only slice I of N of the candidates (a job-array task)
  int merge_slices = 0;   // N > 0: merge the N slice files into the ground truth
  // With a proxy: train each candidate on its S_train and score it on the original validation and
  // test splits ([transfer] settings) instead of ranking the candidates on S_val.
  bool transfer = false;
  std::string out;        // default: <output_dir>/truth.h5, truth-slice-I-of-N.h5, evaluation-<proxy>.h5
                          // or transfer-<proxy>.h5
};

// `hcdc evaluate JOB`: scores every candidate of the job's search space — on the original graph
// (the ground truth, cached where `hcdc run` reuses it) or on a condensed set (the proxy, with
// ρ, τ, regret and Perf against the ground truth when one is available). Under mpirun/srun the
// ranks own balanced contiguous slices of the candidates and rank 0 gathers the rows and writes
// the results file; the rows do not depend on the number of ranks. With --transfer a proxy is
// judged as the graph-condensation papers do: how well its S_train alone trains each candidate. A Slurm job array splits the
// ground truth with --slice I/N and merges the slices with --merge-slices N.
int run_evaluate(const JobSpec& job, const EvaluateRequest& req);

}  // namespace hcdc::run
