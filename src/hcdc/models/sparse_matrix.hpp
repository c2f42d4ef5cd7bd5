#pragma once
// A constant sparse matrix S — an original graph's operator, bag-of-words node features — for the
// products S·Z of full-batch training, differentiable in Z to any order.
//
// Why not torch::mm on the COO tensor: LibTorch 1.13's CPU product of a COO matrix runs one BLAS
// axpy per non-zero, and the backward transposes S in every call (a copy that is no longer
// coalesced, so it is sorted again). A Neumann hypergradient on Cora spent 53 % of its time there
// (docs/results/profile.md). Here S is held in compressed rows (Eigen's sparse-times-dense
// kernel, rows split over LibTorch's intra-op threads) and Sᵀ is built once, on the first
// backward, and reused; a symmetric S (the normalised adjacency of an undirected graph) is its
// own transpose and is not copied.
//
// Each output row is summed over its non-zeros in column order whatever the thread count, so a
// product is bitwise the same at 1 or N threads.
#include <torch/torch.h>

#include <cstdint>
#include <memory>

namespace hcdc::models {

class SparseMatrix {
 public:
  // Whether `s` can be held: a 2-D sparse COO tensor on the CPU, float32 or float64, that needs no
  // gradient (its values are constants here).
  static bool supports(const torch::Tensor& s);
  // From such a tensor (coalesced here if it is not); shares its storage.
  explicit SparseMatrix(const torch::Tensor& s);
  // From compressed rows without a COO tensor (a large graph's operator, built from its file's
  // CSR): row_start (rows + 1 offsets, int64), col (int64, strictly ascending within each row) and
  // val (float32 or float64), one per non-zero. Checked: std::invalid_argument otherwise.
  static SparseMatrix from_compressed_rows(std::int64_t rows, std::int64_t cols, torch::Tensor row_start,
                                           torch::Tensor col, torch::Tensor val);

  // S·z for a 2-D dense z. Differentiable in z (S is a constant). A z this class cannot multiply
  // (another dtype or device) goes to torch::mm, as before.
  torch::Tensor times(const torch::Tensor& z) const;
  // (S·z)[rows] without the other rows: bitwise the same rows (each is summed over its own
  // non-zeros in the same order). For constant propagation: no gradient. A row out of range throws
  // std::out_of_range.
  torch::Tensor rows_times(const torch::Tensor& rows, const torch::Tensor& z) const;
  // The coalesced COO tensor it was built from; built from compressed rows, one is made on the
  // first call (and kept).
  const torch::Tensor& coo() const;
  std::int64_t rows() const;
  std::int64_t cols() const;

  struct Storage;  // compressed rows of S and (once built) Sᵀ

 private:
  SparseMatrix() = default;
  std::shared_ptr<Storage> storage_;
};

}  // namespace hcdc::models
