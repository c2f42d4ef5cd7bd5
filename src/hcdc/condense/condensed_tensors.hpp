#pragma once
// The one conversion between a condensed pair in tensors (what condensation makes and candidate
// training reads) and its file contents (data::CondensedSet, schema hcdc.condensed_set): samples
// stored as float32 [n, sample_shape...], labels int64.
#include <torch/torch.h>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/data/condensed_set.hpp"

namespace hcdc::condense {

// Fills sample_shape, x/y of both splits and the adjacency over S_train ∪ S_val where the pair has
// one; provenance fields are the caller's.
data::CondensedSet to_condensed_set(const CondensedPair& pair);
// S_train and S_val as tensors of `dtype` (labels int64), in the shape the file records.
CondensedPair from_condensed_set(const data::CondensedSet& cs, torch::ScalarType dtype);

}  // namespace hcdc::condense
