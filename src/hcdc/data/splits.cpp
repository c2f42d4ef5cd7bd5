#include "hcdc/data/splits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "hcdc/core/error.hpp"

namespace hcdc::data {

void carve_validation(Splits& s, std::int64_t n_val, std::uint64_t seed, const char* file_for_errors) {
  if (n_val <= 0 || n_val >= static_cast<std::int64_t>(s.train.size()))
    throw InputError(file_for_errors, "val_size",
                     fmt::format("must be in [1, {}) (the training set size)", s.train.size()));
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> perm = s.train;
  std::shuffle(perm.begin(), perm.end(), rng);
  s.val.assign(perm.begin(), perm.begin() + n_val);
  s.train.assign(perm.begin() + n_val, perm.end());
  std::sort(s.val.begin(), s.val.end());
  std::sort(s.train.begin(), s.train.end());
}

}  // namespace hcdc::data
