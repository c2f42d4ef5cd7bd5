#pragma once
// Writes a condensed S_train/S_val pair as an hcdc.condensed_set file with its provenance.
#include <cstdint>
#include <map>
#include <string>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/run/job.hpp"

namespace hcdc::run {

void write_condensed_pair(const std::string& path, const condense::CondensedPair& pair, const JobSpec& job,
                          const std::string& dataset, const std::string& method, std::int64_t c_train,
                          std::int64_t seed, std::int64_t classes, std::map<std::string, double> run_metrics = {});

}  // namespace hcdc::run
