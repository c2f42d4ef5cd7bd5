#pragma once
// [nas]: the architecture searches of `hcdc nas` (run/nas_command.hpp) — which algorithms, on
// which data (the original, or the condensed sets an experiment left in condensed/), with what
// budget.
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/search/architecture_search.hpp"

namespace hcdc::run {

struct NasSpec {
  bool present = false;
  std::vector<std::string> algorithms{"grid", "evolution"};  // grid: the generated candidates; evolution: the whole space
  // "original" (train on the original training split, score on its validation split) or a
  // condensation method of the experiment, whose condensed set of (budget, condense_seed) is the proxy.
  std::vector<std::string> sources{"original", "hcdc"};
  double budget = 0;               // c_train / n of the proxies; 0: the experiment's first budget
  std::int64_t condense_seed = -1;  // −1: the experiment's first seed
  search::EvolutionOptions evolution;
};

// `present`: whether the job has a [nas] section (else the defaults, unchecked); `methods`: the
// experiment's condensation methods (a source must be one of them or "original").
NasSpec parse_nas(config::StrictTable t, bool present, const std::vector<std::string>& methods);

}  // namespace hcdc::run
