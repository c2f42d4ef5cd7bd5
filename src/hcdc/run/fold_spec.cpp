#include "hcdc/run/fold_spec.hpp"

namespace hcdc::run {

FoldSpec parse_folds(config::StrictTable t, bool present) {
  FoldSpec f;
  f.present = present;
  f.folds = static_cast<int>(t.get<std::int64_t>("folds", f.folds));
  f.architecture = t.get<std::int64_t>("architecture", f.architecture);
  f.early_stopping = t.get<bool>("early_stopping", f.early_stopping);
  f.whole_fold_reference = t.get<bool>("whole_fold_reference", f.whole_fold_reference);
  f.seed = static_cast<std::uint64_t>(t.get<std::int64_t>("seed", 0));
  if (t.recording() || !present) return f;
  if (f.folds < 3 || f.folds > 1000) t.fail("folds", "must be in [3, 1000] (a ranking of the folds needs three)");
  if (f.architecture < 0) t.fail("architecture", "must be >= 0 (an index into the search space's candidates)");
  t.finish();
  return f;
}

}  // namespace hcdc::run
