#include "hcdc/condense/dense_graph_proxy.hpp"

#include <fmt/format.h>

#include "hcdc/core/error.hpp"
#include "hcdc/models/graph_operators.hpp"

namespace hcdc::condense {

GraphProxy dense_graph_proxy(const CondensedPair& pair) {
  const auto& tr = pair.s_train;
  const auto& va = pair.s_val;
  if (tr.x.dim() != 2 || va.x.dim() != 2 || tr.x.size(1) != va.x.size(1))
    throw SettingError("family", "message-passing candidates need node features ([n, F]) for S_train and S_val");
  const auto ct = tr.x.size(0), cv = va.x.size(0), m = ct + cv;
  torch::Tensor adj = pair.adjacency.defined() ? pair.adjacency.to(tr.x.scalar_type())
                                               : torch::zeros({m, m}, tr.x.options());
  if (adj.dim() != 2 || adj.size(0) != m || adj.size(1) != m)
    throw SettingError("adjacency", fmt::format("must be {0} × {0} over S_train ∪ S_val", m));
  auto ops = [](const torch::Tensor& a) {
    return std::make_shared<models::GraphOperators>(models::GraphOperators::from_dense(a.contiguous()));
  };
  GraphProxy p;
  p.s_train = {tr.x, tr.y, ops(adj.narrow(0, 0, ct).narrow(1, 0, ct)), torch::arange(ct, torch::kLong)};
  p.s_val = {torch::cat({tr.x, va.x.to(tr.x.scalar_type())}), va.y, ops(adj), torch::arange(ct, m, torch::kLong)};
  return p;
}

CondensedPair structured_pair(const GraphProxy& proxy, const CondensedPair& made) {
  CondensedPair out = made;
  const auto ct = proxy.s_train.x.size(0);
  const auto cv = proxy.s_val.x.size(0) - ct;
  out.s_train = search::blocks_of(proxy.s_train.x, proxy.s_train.y);
  out.s_val = search::blocks_of(proxy.s_val.x.narrow(0, ct, cv).contiguous(), proxy.s_val.y);
  torch::Tensor adj = proxy.s_val.graph->op(models::GraphOp::kAdj);
  out.adjacency = adj.is_sparse() ? adj.to_dense() : adj.clone();
  return out;
}

}  // namespace hcdc::condense
