#include "hcdc/models/sparse_matrix.hpp"

// Eigen's own OpenMP split would nest inside LibTorch's threads: rows are split here instead.
#define EIGEN_DONT_PARALLELIZE
#include <ATen/Parallel.h>
#include <Eigen/SparseCore>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace hcdc::models {
namespace {

// Below this many multiply-adds a row block is not worth a thread.
constexpr std::int64_t kGrainMultiplyAdds = 1 << 15;

// A matrix in compressed rows, as tensors (so the column indices and values can share a COO
// tensor's storage).
struct CompressedRows {
  std::int64_t rows = 0, cols = 0;
  torch::Tensor row_start;  // rows + 1 offsets into col/val (int64)
  torch::Tensor col, val;   // per non-zero, rows in order, columns ascending within a row

  static CompressedRows of(const torch::Tensor& coalesced) {
    CompressedRows c;
    c.rows = coalesced.size(0);
    c.cols = coalesced.size(1);
    torch::Tensor idx = coalesced.indices();
    torch::Tensor counts = torch::bincount(idx[0], {}, c.rows);
    c.row_start = torch::cat({torch::zeros({1}, counts.options()), counts.cumsum(0)}).contiguous();
    c.col = idx[1].contiguous();
    c.val = coalesced.values().contiguous();
    return c;
  }

  // The given rows only, in the given order (repeats allowed): each keeps its non-zeros in order.
  CompressedRows select_rows(const torch::Tensor& which) const {
    torch::Tensor w = which.to(torch::kLong).contiguous();
    const std::int64_t m = w.numel();
    const auto* r = w.data_ptr<std::int64_t>();
    const auto* start = row_start.data_ptr<std::int64_t>();
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(m) + 1, 0);
    for (std::int64_t i = 0; i < m; ++i) {
      if (r[i] < 0 || r[i] >= rows)
        throw std::out_of_range("SparseMatrix::rows_times: row " + std::to_string(r[i]) + " of a matrix of " +
                                std::to_string(rows) + " rows");
      offsets[static_cast<std::size_t>(i) + 1] = offsets[static_cast<std::size_t>(i)] + start[r[i] + 1] - start[r[i]];
    }
    std::vector<std::int64_t> entries;
    entries.reserve(static_cast<std::size_t>(offsets.back()));
    for (std::int64_t i = 0; i < m; ++i)
      for (auto k = start[r[i]]; k < start[r[i] + 1]; ++k) entries.push_back(k);
    CompressedRows c;
    c.rows = m;
    c.cols = cols;
    c.row_start = torch::tensor(offsets, torch::kLong);
    torch::Tensor e = torch::tensor(entries, torch::kLong);
    c.col = col.index_select(0, e).contiguous();
    c.val = val.index_select(0, e).contiguous();
    return c;
  }
};

template <class T>
void multiply(const CompressedRows& a, const torch::Tensor& z, torch::Tensor& out) {
  using Sparse = Eigen::SparseMatrix<T, Eigen::RowMajor, std::int64_t>;
  using Dense = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const std::int64_t nnz = a.val.numel(), k = z.size(1);
  if (nnz == 0 || k == 0) {
    out.zero_();
    return;
  }
  Eigen::Map<const Sparse> s(a.rows, a.cols, nnz, a.row_start.data_ptr<std::int64_t>(), a.col.data_ptr<std::int64_t>(),
                             a.val.data_ptr<T>());
  Eigen::Map<const Dense> zm(z.data_ptr<T>(), z.size(0), k);
  Eigen::Map<Dense> om(out.data_ptr<T>(), a.rows, k);
  const std::int64_t per_row = std::max<std::int64_t>(1, nnz / std::max<std::int64_t>(1, a.rows)) * k;
  at::parallel_for(0, a.rows, std::max<std::int64_t>(1, kGrainMultiplyAdds / per_row),
                   [&](std::int64_t b, std::int64_t e) { om.middleRows(b, e - b).noalias() = s.middleRows(b, e - b) * zm; });
}

}  // namespace

struct SparseMatrix::Storage {
  torch::Tensor coo;  // coalesced
  CompressedRows s;

  // Sᵀ, built on the first backward: forward-only uses never pay for it.
  const CompressedRows& side(bool transposed) {
    if (!transposed) return s;
    std::call_once(transpose_once_, [this] {
      torch::Tensor t = coo.t().coalesce();
      symmetric_ = s.rows == s.cols && torch::equal(t.indices(), coo.indices()) && torch::equal(t.values(), coo.values());
      if (!symmetric_) st_ = CompressedRows::of(t);
    });
    return symmetric_ ? s : st_;
  }

 private:
  std::once_flag transpose_once_;
  bool symmetric_ = false;
  CompressedRows st_;
};

namespace {

torch::Tensor product(const std::shared_ptr<SparseMatrix::Storage>& st, bool transposed, const torch::Tensor& z);

// The backward of S·z in z: Sᵀ·ḡ, itself a product of this kind, so that Hessian-vector products
// (a backward through this backward) take the same route.
class SparseTimesBackward : public torch::autograd::Node {
 public:
  SparseTimesBackward(std::shared_ptr<SparseMatrix::Storage> st, bool transposed)
      : storage_(std::move(st)), transposed_(transposed) {}
  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    if (!grads[0].defined()) return {torch::Tensor()};
    return {product(storage_, !transposed_, grads[0])};
  }
  std::string name() const override { return "hcdc::SparseTimesBackward"; }

 private:
  std::shared_ptr<SparseMatrix::Storage> storage_;
  bool transposed_;
};

torch::Tensor product(const std::shared_ptr<SparseMatrix::Storage>& st, bool transposed, const torch::Tensor& z) {
  const torch::Tensor& coo = st->coo;
  const std::int64_t inner = transposed ? coo.size(0) : coo.size(1);
  if (z.dim() != 2 || z.layout() != torch::kStrided || !z.device().is_cpu() || z.scalar_type() != coo.scalar_type() ||
      z.size(0) != inner)
    return torch::mm(transposed ? coo.t() : coo, z);  // LibTorch's own route, and its own errors
  const CompressedRows& a = st->side(transposed);
  torch::Tensor out;
  {
    torch::NoGradGuard no_grad;
    torch::Tensor zc = z.contiguous();
    out = torch::empty({a.rows, zc.size(1)}, zc.options());
    if (zc.scalar_type() == torch::kFloat) multiply<float>(a, zc, out);
    else multiply<double>(a, zc, out);
  }
  if (torch::autograd::compute_requires_grad(z)) {
    std::shared_ptr<SparseTimesBackward> node(new SparseTimesBackward(st, transposed), torch::autograd::deleteNode);
    node->set_next_edges(torch::autograd::collect_next_edges(z));
    torch::autograd::set_history(out, node);
  }
  return out;
}

}  // namespace

bool SparseMatrix::supports(const torch::Tensor& s) {
  return s.defined() && !s.requires_grad() && s.layout() == torch::kSparse && s.dim() == 2 && s.sparse_dim() == 2 && s.device().is_cpu() &&
         (s.scalar_type() == torch::kFloat || s.scalar_type() == torch::kDouble);
}

SparseMatrix::SparseMatrix(const torch::Tensor& s) : storage_(std::make_shared<Storage>()) {
  if (!supports(s)) throw std::invalid_argument("SparseMatrix: needs a constant 2-D sparse COO tensor on the CPU, float32 or float64");
  storage_->coo = s.is_coalesced() ? s : s.coalesce();
  storage_->s = CompressedRows::of(storage_->coo);
}

torch::Tensor SparseMatrix::times(const torch::Tensor& z) const { return product(storage_, false, z); }

torch::Tensor SparseMatrix::rows_times(const torch::Tensor& rows, const torch::Tensor& z) const {
  const torch::Tensor& coo = storage_->coo;
  if (z.dim() != 2 || z.layout() != torch::kStrided || !z.device().is_cpu() || z.scalar_type() != coo.scalar_type() ||
      z.size(0) != coo.size(1))
    return times(z).index_select(0, rows.to(torch::kLong));  // LibTorch's route, and its own errors
  torch::NoGradGuard no_grad;
  const CompressedRows sub = storage_->s.select_rows(rows);
  torch::Tensor zc = z.contiguous();
  torch::Tensor out = torch::empty({sub.rows, zc.size(1)}, zc.options());
  if (zc.scalar_type() == torch::kFloat) multiply<float>(sub, zc, out);
  else multiply<double>(sub, zc, out);
  return out;
}

const torch::Tensor& SparseMatrix::coo() const { return storage_->coo; }

}  // namespace hcdc::models
