#pragma once
// Node features as a sparse matrix where most entries are zero. Bag-of-words graphs (Cora: 1.3 %
// of 2,708 × 1,433 entries) spend nearly all of a full-batch step's first product X·W₁ — and of
// its transposed product in the backward, twice in a Hessian-vector product — on zeros. A model
// that says it accepts sparse input (ModelFamily::accepts_sparse_input) gets X as a coalesced
// COO matrix; the products, and their first and second derivatives in W₁, stay the same.
#include <torch/torch.h>

#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

// Above this share of non-zero entries a dense product is as fast (measured on 2 cores).
inline constexpr double kSparseFeatureDensity = 0.10;

// x's share of non-zero entries (0 for an empty tensor).
double density(const torch::Tensor& x);
// A coalesced sparse COO copy of the 2-D dense x when its density is at most max_density;
// otherwise x itself.
torch::Tensor sparse_if_mostly_zero(const torch::Tensor& x, double max_density = kSparseFeatureDensity);
// `in` with in.sparse_x set when in.x is a sparse matrix that SparseMatrix holds, so that the
// product X·W and its derivatives go through compressed rows (models/sparse_matrix.hpp).
ModelInput with_sparse_products(ModelInput in);

}  // namespace hcdc::models
