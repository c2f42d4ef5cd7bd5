#pragma once
#include "hcdc/run/job.hpp"

namespace hcdc::run {

// `hcdc hpo JOB`: walks one continuous HPO trajectory (θ steps, λ steps by hypergradient) on the
// job's dataset and writes the λ trajectory and scores to <output_dir>/hpo.h5 (hcdc.hpo_trace).
int run_hpo(const JobSpec& job);

// `hcdc hypergrad JOB`: trains θ at the model's λ, computes the hypergradient with every solver
// in [hypergrad].solvers and writes θ, λ, hypergradients, residuals and timings to
// <output_dir>/hypergrad.h5 (hcdc.hypergrad).
int run_hypergrad(const JobSpec& job);

}  // namespace hcdc::run
