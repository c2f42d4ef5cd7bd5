#pragma once
// Writes a condensed S_train/S_val pair as an hcdc.condensed_set file with its provenance.
#include <cstdint>
#include <map>
#include <string>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/data/condensed_set.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::run {

// Where an experiment keeps the condensed set of one run: <output_dir>/condensed/
// <method>-<budget %, one decimal>pct-s<seed>.h5 (`hcdc nas` finds its proxies there).
std::string condensed_path(const JobSpec& job, const std::string& method, double budget, std::int64_t seed);

void write_condensed_pair(const std::string& path, const condense::CondensedPair& pair, const JobSpec& job,
                          const std::string& dataset, const std::string& method, std::int64_t c_train,
                          std::int64_t seed, std::int64_t classes, std::map<std::string, double> run_metrics = {});

// A condensed set usable as a proxy for this job (`hcdc evaluate --proxy`, `hcdc nas`): made from
// the same dataset, with samples of the shape the candidates' family needs (images: the task's
// own C×H×W) and the same classes; else InputError naming `path` and the field.
void check_proxy_fits(const data::CondensedSet& cs, const std::string& path, const std::string& dataset,
                      const condense::GraphTask& task, const search::CandidateFamily& family);

}  // namespace hcdc::run
