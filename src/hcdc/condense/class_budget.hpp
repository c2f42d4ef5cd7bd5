#pragma once
// How many condensed samples each class gets: proportional to its frequency in the pool, at least
// one each (as GCond), largest remainders first; refuses budgets a class cannot supply.
#include <cstdint>
#include <string>
#include <vector>

namespace hcdc::condense {

// labels: the pool's labels (values in [0, num_classes)). Returns per-class counts summing to budget;
// a budget the pool cannot give is a SettingError naming `setting` (what the budget came from).
std::vector<std::int64_t> allocate_per_class(const std::vector<std::int64_t>& labels, std::int64_t num_classes,
                                             std::int64_t budget, bool need_distinct_samples,
                                             const std::string& setting);

}  // namespace hcdc::condense
