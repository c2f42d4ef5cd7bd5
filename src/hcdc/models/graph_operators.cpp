#include "hcdc/models/graph_operators.hpp"

#include <algorithm>
#include <stdexcept>

namespace hcdc::models {
namespace {

torch::Tensor sparse(std::int64_t n, const torch::Tensor& rows, const torch::Tensor& cols, const torch::Tensor& vals) {
  return torch::sparse_coo_tensor(torch::stack({rows, cols}), vals, {n, n}).coalesce();
}

torch::Tensor safe_pow(const torch::Tensor& deg, double p) {
  return torch::where(deg > 0, deg.pow(p), torch::zeros_like(deg));  // isolated nodes map to 0
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
                                     torch::Dtype dtype, const std::vector<GraphOp>& wanted, bool edge_lists) {
  GraphOperators g;
  g.n_ = n;
  const auto nnz = static_cast<std::int64_t>(indices.size());
  std::vector<std::int64_t> row(static_cast<std::size_t>(nnz));
  for (std::int64_t u = 0; u < n; ++u)
    for (auto k = indptr[u]; k < indptr[u + 1]; ++k) row[static_cast<std::size_t>(k)] = u;
  auto opts = torch::TensorOptions().dtype(torch::kLong);
  torch::Tensor r = torch::tensor(row, opts), c = torch::tensor(indices, opts);
  std::vector<std::int64_t>().swap(row);
  torch::Tensor w = weights.empty() ? torch::ones({nnz}, torch::TensorOptions().dtype(dtype))
                                    : torch::tensor(weights).to(dtype);
  torch::Tensor deg = torch::zeros({n}, w.options()).index_add_(0, r, w);
  auto want = [&](GraphOp o) { return std::find(wanted.begin(), wanted.end(), o) != wanted.end(); };
  if (want(GraphOp::kAdj) || edge_lists) g.adj_ = sparse(n, r, c, w);
  if (edge_lists) {
    g.dst_ = g.adj_.indices()[0].contiguous();
    g.src_ = g.adj_.indices()[1].contiguous();
    if (!want(GraphOp::kAdj)) g.adj_ = torch::Tensor();
  }
  if (want(GraphOp::kSymAdj)) {
    torch::Tensor dis = safe_pow(deg, -0.5);
    g.sym_ = sparse(n, r, c, dis.index_select(0, r) * w * dis.index_select(0, c));
  }
  if (want(GraphOp::kMeanAdj)) g.mean_ = sparse(n, r, c, safe_pow(deg, -1.0).index_select(0, r) * w);
  if (want(GraphOp::kGcn)) {
    torch::Tensor self = torch::arange(n, opts);
    torch::Tensor tdis = (deg + 1).pow(-0.5);
    g.gcn_ = sparse(n, torch::cat({r, self}), torch::cat({c, self}),
                    torch::cat({tdis.index_select(0, r) * w * tdis.index_select(0, c), tdis * tdis}));
  }
  for (GraphOp o : wanted)
    if (SparseMatrix::supports(g.op(o))) g.sparse_[static_cast<std::size_t>(o)] = std::make_shared<SparseMatrix>(g.op(o));
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
  switch (op) {
    case GraphOp::kGcn: return gcn_;
    case GraphOp::kSymAdj: return sym_;
    case GraphOp::kAdj: return adj_;
    default: return mean_;
  }
}

torch::Tensor GraphOperators::apply_rows(GraphOp o, const torch::Tensor& rows, const torch::Tensor& x) const {
  if (!op(o).defined()) throw std::logic_error("GraphOperators::apply_rows: an operator one_from_csr did not build");
  const auto& sparse = sparse_[static_cast<std::size_t>(o)];
  torch::NoGradGuard no_grad;
  return sparse ? sparse->rows_times(rows, x) : apply(o, x).index_select(0, rows);
}

GraphOperators GraphOperators::with_libtorch_products() const {
  GraphOperators g = *this;
  g.sparse_ = {};
  return g;
}

torch::Tensor GraphOperators::apply(GraphOp o, const torch::Tensor& x) const {
  if (!op(o).defined()) throw std::logic_error("GraphOperators::apply: an operator one_from_csr did not build");
  const auto& sparse = sparse_[static_cast<std::size_t>(o)];
  return sparse ? sparse->times(x) : torch::mm(op(o), x);
}

}  // namespace hcdc::models
