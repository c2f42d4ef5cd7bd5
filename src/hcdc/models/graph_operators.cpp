#include "hcdc/models/graph_operators.hpp"

#include <algorithm>
#include <stdexcept>

namespace hcdc::models {
namespace {

torch::Tensor safe_pow(const torch::Tensor& deg, double p) {
  return torch::where(deg > 0, deg.pow(p), torch::zeros_like(deg));  // isolated nodes map to 0
}

// One operator in compressed rows straight from the graph's CSR, with no COO copy of the edges:
// entry (u, v) of weight w is row_scale[u] · w · col_scale[v] (each scale optional), and with
// `self` row u also holds (u, u) = self[u]. Columns ascend within a row and duplicates are summed,
// the self entry last: the matrix that coalescing the COO tensor of these entries gave.
template <class T>
std::shared_ptr<const SparseMatrix> compressed_operator(std::int64_t n, const std::vector<std::int64_t>& indptr,
                                                        const std::vector<std::int64_t>& indices, const T* w,
                                                        const T* row_scale, const T* col_scale, const T* self,
                                                        torch::Dtype dtype) {
  const auto nnz = static_cast<std::int64_t>(indices.size());
  const std::int64_t bound = nnz + (self ? n : 0);
  torch::Tensor row_start = torch::empty({n + 1}, torch::kLong), col = torch::empty({bound}, torch::kLong),
                val = torch::empty({bound}, torch::TensorOptions().dtype(dtype));
  auto* rs = row_start.data_ptr<std::int64_t>();
  auto* c = col.data_ptr<std::int64_t>();
  auto* v = val.data_ptr<T>();
  std::vector<std::pair<std::int64_t, T>> row;
  std::int64_t at = 0;
  rs[0] = 0;
  for (std::int64_t u = 0; u < n; ++u) {
    row.clear();
    for (auto k = indptr[static_cast<std::size_t>(u)]; k < indptr[static_cast<std::size_t>(u) + 1]; ++k) {
      const auto j = indices[static_cast<std::size_t>(k)];
      T x = row_scale ? row_scale[u] * w[k] : w[k];
      if (col_scale) x = x * col_scale[j];
      row.emplace_back(j, x);
    }
    if (self) row.emplace_back(u, self[u]);
    std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0 && row[i].first == row[i - 1].first) {
        v[at - 1] += row[i].second;
        continue;
      }
      c[at] = row[i].first;
      v[at] = row[i].second;
      ++at;
    }
    rs[u + 1] = at;
  }
  if (at < bound) {  // duplicates were merged: keep only what is used
    col = col.narrow(0, 0, at).clone();
    val = val.narrow(0, 0, at).clone();
  }
  return std::make_shared<const SparseMatrix>(SparseMatrix::from_compressed_rows(n, n, row_start, col, val));
}

template <class T>
void build_operators(std::int64_t n, const std::vector<std::int64_t>& indptr, const std::vector<std::int64_t>& indices,
                     const std::vector<float>& weights, torch::Dtype dtype, const std::vector<GraphOp>& wanted,
                     std::array<std::shared_ptr<const SparseMatrix>, 4>& out) {
  if (static_cast<std::int64_t>(indptr.size()) != n + 1 || indptr.front() != 0 ||
      indptr.back() != static_cast<std::int64_t>(indices.size()) ||
      (!weights.empty() && weights.size() != indices.size()))
    throw std::invalid_argument("GraphOperators: CSR of inconsistent sizes");
  for (std::int64_t u = 0; u < n; ++u)
    if (indptr[static_cast<std::size_t>(u) + 1] < indptr[static_cast<std::size_t>(u)])
      throw std::invalid_argument("GraphOperators: CSR offsets decrease at node " + std::to_string(u));
  for (auto j : indices)
    if (j < 0 || j >= n) throw std::invalid_argument("GraphOperators: edge to node " + std::to_string(j) + " of " + std::to_string(n));
  const auto nnz = static_cast<std::int64_t>(indices.size());
  std::vector<T> w(static_cast<std::size_t>(nnz), T(1));
  for (std::size_t k = 0; k < weights.size(); ++k) w[k] = static_cast<T>(weights[k]);
  // Degrees summed in edge order (as index_add_ over the rows did), their powers by LibTorch.
  torch::Tensor deg = torch::zeros({n}, torch::TensorOptions().dtype(dtype));
  auto* d = deg.data_ptr<T>();
  for (std::int64_t u = 0; u < n; ++u)
    for (auto k = indptr[static_cast<std::size_t>(u)]; k < indptr[static_cast<std::size_t>(u) + 1]; ++k)
      d[u] += w[static_cast<std::size_t>(k)];
  auto want = [&](GraphOp o) { return std::find(wanted.begin(), wanted.end(), o) != wanted.end(); };
  auto slot = [&](GraphOp o) -> std::shared_ptr<const SparseMatrix>& { return out[static_cast<std::size_t>(o)]; };
  if (want(GraphOp::kAdj))
    slot(GraphOp::kAdj) = compressed_operator<T>(n, indptr, indices, w.data(), nullptr, nullptr, nullptr, dtype);
  if (want(GraphOp::kSymAdj)) {
    torch::Tensor dis = safe_pow(deg, -0.5);
    slot(GraphOp::kSymAdj) = compressed_operator<T>(n, indptr, indices, w.data(), dis.data_ptr<T>(), dis.data_ptr<T>(),
                                                    nullptr, dtype);
  }
  if (want(GraphOp::kMeanAdj)) {
    torch::Tensor inv = safe_pow(deg, -1.0);
    slot(GraphOp::kMeanAdj) = compressed_operator<T>(n, indptr, indices, w.data(), inv.data_ptr<T>(), nullptr, nullptr, dtype);
  }
  if (want(GraphOp::kGcn)) {
    torch::Tensor tdis = (deg + 1).pow(-0.5);
    torch::Tensor self = tdis * tdis;
    slot(GraphOp::kGcn) = compressed_operator<T>(n, indptr, indices, w.data(), tdis.data_ptr<T>(), tdis.data_ptr<T>(),
                                                 self.data_ptr<T>(), dtype);
  }
}

}  // namespace

GraphOperators GraphOperators::from_csr(std::int64_t n, const std::vector<std::int64_t>& indptr,
                                        const std::vector<std::int64_t>& indices, const std::vector<float>& weights,
                                        torch::Dtype dtype) {
  return build(n, indptr, indices, weights, dtype, {GraphOp::kGcn, GraphOp::kSymAdj, GraphOp::kAdj, GraphOp::kMeanAdj},
               true);
}

GraphOperators GraphOperators::one_from_csr(std::int64_t n, const std::vector<std::int64_t>& indptr,
                                            const std::vector<std::int64_t>& indices, const std::vector<float>& weights,
                                            torch::Dtype dtype, GraphOp which) {
  return build(n, indptr, indices, weights, dtype, {which}, false);
}

GraphOperators GraphOperators::build(std::int64_t n, const std::vector<std::int64_t>& indptr,
                                     const std::vector<std::int64_t>& indices, const std::vector<float>& weights,
                                     torch::Dtype dtype, std::vector<GraphOp> wanted, bool edge_lists) {
  GraphOperators g;
  g.n_ = n;
  if (edge_lists && std::find(wanted.begin(), wanted.end(), GraphOp::kAdj) == wanted.end()) wanted.push_back(GraphOp::kAdj);
  if (dtype == torch::kFloat) build_operators<float>(n, indptr, indices, weights, dtype, wanted, g.sparse_);
  else if (dtype == torch::kDouble) build_operators<double>(n, indptr, indices, weights, dtype, wanted, g.sparse_);
  else throw std::invalid_argument("GraphOperators: operators are float32 or float64");
  if (edge_lists) {
    // A's entries in row order, columns ascending: targets and sources of the edges j → i.
    const SparseMatrix& a = *g.sparse_[static_cast<std::size_t>(GraphOp::kAdj)];
    const torch::Tensor& idx = a.coo().indices();
    g.dst_ = idx[0].contiguous();
    g.src_ = idx[1].contiguous();
  }
  return g;
}

GraphOperators GraphOperators::from_dense(const torch::Tensor& adj) {
  GraphOperators g;
  g.n_ = adj.size(0);
  torch::Tensor deg = adj.sum(1);
  torch::Tensor dis = safe_pow(deg, -0.5);
  g.adj_ = adj;
  auto nz = (adj.detach() != 0).nonzero();  // row-major: targets sorted, as for the sparse layout
  g.dst_ = nz.select(1, 0).contiguous();
  g.src_ = nz.select(1, 1).contiguous();
  g.sym_ = dis.unsqueeze(1) * adj * dis.unsqueeze(0);
  g.mean_ = safe_pow(deg, -1.0).unsqueeze(1) * adj;
  torch::Tensor tdis = (deg + 1).pow(-0.5);
  g.gcn_ = tdis.unsqueeze(1) * (adj + torch::eye(g.n_, adj.options())) * tdis.unsqueeze(0);
  return g;
}

const torch::Tensor& GraphOperators::op(GraphOp op) const {
  static const torch::Tensor none;
  if (const auto& sparse = sparse_[static_cast<std::size_t>(op)]) return sparse->coo();
  switch (op) {
    case GraphOp::kGcn: return gcn_;
    case GraphOp::kSymAdj: return sym_;
    case GraphOp::kAdj: return adj_;
    case GraphOp::kMeanAdj: return mean_;
  }
  return none;
}

bool GraphOperators::has(GraphOp o) const {
  return sparse_[static_cast<std::size_t>(o)] != nullptr || op(o).defined();
}

bool GraphOperators::is_sparse() const {
  return std::any_of(sparse_.begin(), sparse_.end(), [](const auto& s) { return s != nullptr; });
}

torch::Tensor GraphOperators::apply_rows(GraphOp o, const torch::Tensor& rows, const torch::Tensor& x) const {
  if (!has(o)) throw std::logic_error("GraphOperators::apply_rows: an operator one_from_csr did not build");
  const auto& sparse = sparse_[static_cast<std::size_t>(o)];
  torch::NoGradGuard no_grad;
  return sparse ? sparse->rows_times(rows, x) : apply(o, x).index_select(0, rows);
}

GraphOperators GraphOperators::with_libtorch_products() const {
  GraphOperators g = *this;
  g.gcn_ = op(GraphOp::kGcn);
  g.sym_ = op(GraphOp::kSymAdj);
  g.adj_ = op(GraphOp::kAdj);
  g.mean_ = op(GraphOp::kMeanAdj);
  g.sparse_ = {};
  return g;
}

torch::Tensor GraphOperators::apply(GraphOp o, const torch::Tensor& x) const {
  if (!has(o)) throw std::logic_error("GraphOperators::apply: an operator one_from_csr did not build");
  const auto& sparse = sparse_[static_cast<std::size_t>(o)];
  return sparse ? sparse->times(x) : torch::mm(op(o), x);
}

}  // namespace hcdc::models
