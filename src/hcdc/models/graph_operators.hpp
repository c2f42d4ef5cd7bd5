#pragma once
// The normalised graph operators the filter families are built from, as sparse tensors for
// original graphs or dense (and possibly differentiable) tensors for small synthetic ones.
// apply() takes either, so every model has one code path; a sparse operator's products go
// through SparseMatrix (compressed rows, its transpose kept for the backward).
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "hcdc/models/sparse_matrix.hpp"

namespace hcdc::models {

enum class GraphOp {
  kGcn,      // D̃^-1/2 (A+I) D̃^-1/2            (GCN, monomial filters)
  kSymAdj,   // D^-1/2 A D^-1/2; L = I − this   (Chebyshev: L̃ = 2L/λmax − I = −SymAdj with λmax = 2)
  kAdj,      // A                               (GIN)
  kMeanAdj,  // D^-1 A                          (SAGE-mean)
};

class GraphOperators {
 public:
  // From CSR (symmetric for undirected graphs; weights optional).
  static GraphOperators from_csr(std::int64_t n, const std::vector<std::int64_t>& indptr,
                                 const std::vector<std::int64_t>& indices, const std::vector<float>& weights,
                                 torch::Dtype dtype);
  // Only operator `which`, without the edge lists: what propagating a decoupled family's blocks
  // needs. On a large graph every operator is its compressed rows (an index and a value per
  // non-zero, ≈ 0.25 GiB each at 10M undirected edges), so building the four and the edge lists
  // would cost about 5× this.
  static GraphOperators one_from_csr(std::int64_t n, const std::vector<std::int64_t>& indptr,
                                     const std::vector<std::int64_t>& indices, const std::vector<float>& weights,
                                     torch::Dtype dtype, GraphOp which);
  // From a dense n×n adjacency (no self-loops expected); differentiable in `adj`.
  static GraphOperators from_dense(const torch::Tensor& adj);

  torch::Tensor apply(GraphOp op, const torch::Tensor& x) const;  // op · x
  // (op · x)[rows], bitwise; a sparse operator computes those rows only. No gradient.
  torch::Tensor apply_rows(GraphOp op, const torch::Tensor& rows, const torch::Tensor& x) const;
  // The same operators with apply() through torch::mm on the COO tensors: the route before
  // SparseMatrix, kept for side-by-side benchmarks and tests.
  GraphOperators with_libtorch_products() const;
  // The operator as a tensor: dense (from_dense), or sparse COO. From CSR, operators are held as
  // compressed rows only, and the COO tensor is made on the first call (and kept): on a large
  // graph that is an index copy of every edge, so products go through apply(), not this.
  // Undefined where one_from_csr did not build it.
  const torch::Tensor& op(GraphOp op) const;
  bool has(GraphOp op) const;   // whether it was built
  bool is_sparse() const;       // operators of an original graph (from CSR), not a dense synthetic one
  // The edges j → i of A (A_ij ≠ 0; no self-loops) as target and source index vectors, for the
  // convolutions that are not linear in A (attention, max aggregation); weights are not used.
  const torch::Tensor& targets() const { return dst_; }
  const torch::Tensor& sources() const { return src_; }
  std::int64_t num_nodes() const { return n_; }

 private:
  static GraphOperators build(std::int64_t n, const std::vector<std::int64_t>& indptr,
                              const std::vector<std::int64_t>& indices, const std::vector<float>& weights,
                              torch::Dtype dtype, std::vector<GraphOp> wanted, bool edge_lists);
  std::int64_t n_ = 0;
  torch::Tensor gcn_, sym_, adj_, mean_;  // dense operators (from_dense); COO ones after with_libtorch_products
  std::array<std::shared_ptr<const SparseMatrix>, 4> sparse_;  // per GraphOp, operators built from CSR
  torch::Tensor dst_, src_;
};

}  // namespace hcdc::models
