#include "hcdc/models/sparse_features.hpp"

#include "hcdc/models/sparse_matrix.hpp"

namespace hcdc::models {

double density(const torch::Tensor& x) {
  if (x.numel() == 0) return 0;
  return x.ne(0).sum().item<double>() / static_cast<double>(x.numel());
}

torch::Tensor sparse_if_mostly_zero(const torch::Tensor& x, double max_density) {
  if (x.is_sparse() || x.dim() != 2 || density(x) > max_density) return x;
  return x.to_sparse().coalesce();
}

ModelInput with_sparse_products(ModelInput in) {
  if (SparseMatrix::supports(in.x)) in.sparse_x = std::make_shared<SparseMatrix>(in.x);
  return in;
}

}  // namespace hcdc::models
