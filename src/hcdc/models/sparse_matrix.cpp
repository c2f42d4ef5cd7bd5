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

  // Aᵀ in compressed rows: a counting sort by column, rows visited in order, so each row of Aᵀ
  // keeps its columns ascending: the layout coalescing the transposed COO tensor gives.
  CompressedRows transposed() const {
    CompressedRows t;
    t.rows = cols;
    t.cols = rows;
    const std::int64_t nnz = col.numel();
    const auto* start = row_start.data_ptr<std::int64_t>();
    const auto* c = col.data_ptr<std::int64_t>();
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(cols) + 1, 0);
    for (std::int64_t k = 0; k < nnz; ++k) ++offsets[static_cast<std::size_t>(c[k]) + 1];
    for (std::int64_t j = 0; j < cols; ++j) offsets[static_cast<std::size_t>(j) + 1] += offsets[static_cast<std::size_t>(j)];
    t.row_start = torch::tensor(offsets, torch::kLong);
    std::vector<std::int64_t> at(offsets.begin(), offsets.end() - 1), from(static_cast<std::size_t>(nnz));
    torch::Tensor tcol = torch::empty({nnz}, torch::kLong);
    auto* tc = tcol.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < rows; ++i)
      for (auto k = start[i]; k < start[i + 1]; ++k) {
        const auto slot = at[static_cast<std::size_t>(c[k])]++;
        tc[slot] = i;
        from[static_cast<std::size_t>(slot)] = k;
      }
    t.col = tcol;
    t.val = val.index_select(0, torch::tensor(from, torch::kLong)).contiguous();
    return t;
  }

  bool equals(const CompressedRows& o) const {
    return rows == o.rows && cols == o.cols && torch::equal(row_start, o.row_start) && torch::equal(col, o.col) &&
           torch::equal(val, o.val);
  }

  // The same matrix as a coalesced COO tensor (sharing the values' storage; the indices are a new 2 × nnz copy).
  torch::Tensor to_coo() const {
    torch::Tensor counts = row_start.narrow(0, 1, rows) - row_start.narrow(0, 0, rows);
    torch::Tensor row = torch::repeat_interleave(torch::arange(rows, torch::kLong), counts);
    return torch::sparse_coo_tensor(torch::stack({row, col}), val, {rows, cols})._coalesced_(true);
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
  CompressedRows s;

  // Sᵀ, built on the first backward: forward-only uses never pay for it.
  const CompressedRows& side(bool transposed) {
    if (!transposed) return s;
    std::call_once(transpose_once_, [this] {
      CompressedRows t = s.transposed();
      symmetric_ = t.equals(s);
      if (!symmetric_) st_ = std::move(t);
    });
    return symmetric_ ? s : st_;
  }

  // The coalesced COO tensor: the one it was built from, or (built from compressed rows) made on
  // the first call, so a large graph's operator holds no second index array unless asked.
  const torch::Tensor& coo() {
    std::call_once(coo_once_, [this] {
      if (!coo_.defined()) coo_ = s.to_coo();
    });
    return coo_;
  }
  void keep_coo(torch::Tensor c) { coo_ = std::move(c); }

 private:
  std::once_flag transpose_once_, coo_once_;
  bool symmetric_ = false;
  CompressedRows st_;
  torch::Tensor coo_;
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
  const std::int64_t inner = transposed ? st->s.rows : st->s.cols;
  if (z.dim() != 2 || z.layout() != torch::kStrided || !z.device().is_cpu() || z.scalar_type() != st->s.val.scalar_type() ||
      z.size(0) != inner)
    return torch::mm(transposed ? st->coo().t() : st->coo(), z);  // LibTorch's own route, and its own errors
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
  torch::Tensor coo = s.is_coalesced() ? s : s.coalesce();
  storage_->s = CompressedRows::of(coo);
  storage_->keep_coo(std::move(coo));
}

SparseMatrix SparseMatrix::from_compressed_rows(std::int64_t rows, std::int64_t cols, torch::Tensor row_start,
                                                torch::Tensor col, torch::Tensor val) {
  auto bad = [](const std::string& why) { throw std::invalid_argument("SparseMatrix::from_compressed_rows: " + why); };
  if (rows < 0 || cols < 0) bad("negative size");
  if (row_start.scalar_type() != torch::kLong || col.scalar_type() != torch::kLong || row_start.dim() != 1 ||
      col.dim() != 1 || val.dim() != 1)
    bad("row_start and col must be 1-D int64, val 1-D");
  if (val.scalar_type() != torch::kFloat && val.scalar_type() != torch::kDouble) bad("values must be float32 or float64");
  row_start = row_start.contiguous();
  col = col.contiguous();
  val = val.contiguous();
  if (row_start.numel() != rows + 1 || col.numel() != val.numel()) bad("row_start needs rows + 1 entries, col one per value");
  const auto* start = row_start.data_ptr<std::int64_t>();
  const auto* c = col.data_ptr<std::int64_t>();
  if (start[0] != 0 || start[rows] != col.numel()) bad("row_start must run from 0 to the number of values");
  for (std::int64_t i = 0; i < rows; ++i) {
    if (start[i + 1] < start[i]) bad("row_start must not decrease");
    for (auto k = start[i]; k < start[i + 1]; ++k)
      if (c[k] < 0 || c[k] >= cols || (k > start[i] && c[k] <= c[k - 1]))
        bad("columns must lie in [0, cols) and ascend strictly within a row (row " + std::to_string(i) + ")");
  }
  SparseMatrix m;
  m.storage_ = std::make_shared<Storage>();
  m.storage_->s = CompressedRows{rows, cols, row_start, col, val};
  return m;
}

torch::Tensor SparseMatrix::times(const torch::Tensor& z) const { return product(storage_, false, z); }

torch::Tensor SparseMatrix::rows_times(const torch::Tensor& rows, const torch::Tensor& z) const {
  const CompressedRows& a = storage_->s;
  if (z.dim() != 2 || z.layout() != torch::kStrided || !z.device().is_cpu() || z.scalar_type() != a.val.scalar_type() ||
      z.size(0) != a.cols)
    return times(z).index_select(0, rows.to(torch::kLong));  // LibTorch's route, and its own errors
  torch::NoGradGuard no_grad;
  const CompressedRows sub = a.select_rows(rows);
  torch::Tensor zc = z.contiguous();
  torch::Tensor out = torch::empty({sub.rows, zc.size(1)}, zc.options());
  if (zc.scalar_type() == torch::kFloat) multiply<float>(sub, zc, out);
  else multiply<double>(sub, zc, out);
  return out;
}

const torch::Tensor& SparseMatrix::coo() const { return storage_->coo(); }

std::int64_t SparseMatrix::rows() const { return storage_->s.rows; }

std::int64_t SparseMatrix::cols() const { return storage_->s.cols; }

}  // namespace hcdc::models
