#pragma once
#include <string>

#include "hcdc/dist/communicator.hpp"
#include "hcdc/run/job.hpp"

namespace hcdc::run {

// Collective: rank 0 materialises (or validates) the job's dataset, the other ranks wait and
// then read the same file. Returns its path on every rank.
std::string prepare_dataset_on_rank0(dist::Communicator& comm, const JobSpec& job);

}  // namespace hcdc::run
