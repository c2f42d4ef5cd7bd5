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
  // A reference row "<method>+whole-fold" beside every method's: the same S_train^i, scored on the
  // whole original fold i instead of its S_val^i. It shows what a model trained on the condensed
  // training part can tell about the folds with the fold itself in hand (for HCDC: the direct fold
  // losses its S_val^i are learned to match). Not a competitor: its c_val is the fold's size.
  bool whole_fold_reference = false;
  std::uint64_t seed = 0;          // the random split into folds
};

FoldSpec parse_folds(config::StrictTable t, bool present);

}  // namespace hcdc::run
