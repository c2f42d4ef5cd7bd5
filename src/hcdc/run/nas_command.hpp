#pragma once
#include "hcdc/run/job.hpp"

namespace hcdc::run {

// `hcdc nas JOB`: the architecture searches of the job's [nas] section — grid search over the
// generated candidates and regularised evolution over the whole space — on the original data and
// on the condensed proxies an earlier `hcdc run JOB` left in <output_dir>/condensed/. Each search
// is timed; the architecture it finds is then trained on the original training split with the
// ground truth's settings and tested. Writes <output_dir>/nas.h5 (schema hcdc.nas) and nas.md,
// each to a temporary name renamed into place. One rank.
int run_nas(const JobSpec& job);

}  // namespace hcdc::run
