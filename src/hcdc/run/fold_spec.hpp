#pragma once
// [folds]: fold selection (the paper's Table 6; run/fold_selection.hpp). With this section
// `hcdc run` ranks M folds of the training data instead of the search space's architectures: the
// hyperparameter is which fold validates, one architecture of the space is trained.
#include <cstdint>

#include "hcdc/config/strict_table.hpp"

namespace hcdc::run {

struct FoldSpec {
  bool present = false;
  int folds = 20;                  // M
  std::int64_t architecture = 0;   // which generated candidate of [search] every fold trains
  bool early_stopping = true;      // also the early-stopping baseline (row "early-stop")
  std::uint64_t seed = 0;          // the random split into folds
};

FoldSpec parse_folds(config::StrictTable t, bool present);

}  // namespace hcdc::run
