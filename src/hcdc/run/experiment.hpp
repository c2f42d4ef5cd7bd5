#pragma once
#include <string>

#include "hcdc/run/job.hpp"

namespace hcdc::run {

// The condensation experiment of a job (Table 2): ground truth (cached), then for every budget,
// seed and method a condensed set, its proxy ranking of every candidate, and the metrics.
// Writes <output_dir>/truth.h5, condensed/*.h5, results.h5 and summary.md; prints the table.
int run_experiment(const JobSpec& job, const std::string& dataset_path);

}  // namespace hcdc::run
