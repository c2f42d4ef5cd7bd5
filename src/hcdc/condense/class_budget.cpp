#include "hcdc/condense/class_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hcdc/core/error.hpp"

namespace hcdc::condense {

std::vector<std::int64_t> allocate_per_class(const std::vector<std::int64_t>& labels, std::int64_t num_classes,
                                             std::int64_t budget, bool need_distinct_samples,
                                             const std::string& setting) {
  std::vector<std::int64_t> freq(static_cast<std::size_t>(num_classes), 0);
  for (auto y : labels) ++freq[static_cast<std::size_t>(y)];
  for (std::int64_t c = 0; c < num_classes; ++c)
    if (freq[static_cast<std::size_t>(c)] == 0)
      throw SettingError(setting, fmt::format("class {} has no samples in the pool to condense from", c));
  if (budget < num_classes)
    throw SettingError(setting, fmt::format("budget {} is smaller than the number of classes {}", budget, num_classes));
  const auto n = static_cast<double>(labels.size());
  std::vector<std::int64_t> out(static_cast<std::size_t>(num_classes), 1);
  std::vector<double> share(out.size());
  std::int64_t left = budget - num_classes;
  for (std::size_t c = 0; c < out.size(); ++c) {
    share[c] = static_cast<double>(left) * static_cast<double>(freq[c]) / n;
    out[c] += static_cast<std::int64_t>(std::floor(share[c]));
  }
  std::int64_t assigned = std::accumulate(out.begin(), out.end(), std::int64_t{0});
  std::vector<std::size_t> order(out.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    return share[a] - std::floor(share[a]) > share[b] - std::floor(share[b]);
  });
  for (std::size_t i = 0; assigned < budget; i = (i + 1) % order.size(), ++assigned) ++out[order[i]];
  if (need_distinct_samples)
    for (std::size_t c = 0; c < out.size(); ++c)
      if (out[c] > freq[c])
        throw SettingError(setting,
                         fmt::format("budget {} asks {} samples of class {}, which has only {}", budget, out[c], c, freq[c]));
  return out;
}

}  // namespace hcdc::condense
