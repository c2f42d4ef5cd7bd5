#pragma once
#include <cstdint>
#include <vector>

namespace hcdc::data {

// Index sets into the sample axis; sorted, unique, pairwise disjoint.
struct Splits {
  std::vector<std::int64_t> train, val, test;
};

// Moves a seeded random subset of `train` (n_val of them) into a validation set; both sorted.
void carve_validation(Splits& s, std::int64_t n_val, std::uint64_t seed, const char* file_for_errors);

}  // namespace hcdc::data
