#pragma once
// The data a condensation experiment (and `hcdc nas`) trains on, from the job's dataset file.
#include <string>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/run/job.hpp"

namespace hcdc::run {

// Images for an image family, else the graph's blocks (or the graph, for message passing). A file
// of the other kind, or a condensation method of the other data kind, is refused naming it and
// the field (InputError).
condense::GraphTask load_experiment_task(dist::Communicator& comm, const JobSpec& job, const std::string& dataset);

}  // namespace hcdc::run
