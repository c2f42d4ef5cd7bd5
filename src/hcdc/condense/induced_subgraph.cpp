#include "hcdc/condense/induced_subgraph.hpp"

#include <stdexcept>

#include "hcdc/models/graph_operators.hpp"

namespace hcdc::condense {
namespace {

// The subgraph of `adj` (n × n, sparse or dense) induced by `nodes`, as operators on a dense
// adjacency (a condensed graph is small: a budget of the labelled nodes).
std::shared_ptr<const models::GraphOperators> induced(const torch::Tensor& adj, const torch::Tensor& nodes) {
  torch::Tensor sub = adj.index_select(0, nodes).index_select(1, nodes);
  if (sub.is_sparse()) sub = sub.to_dense();
  return std::make_shared<models::GraphOperators>(models::GraphOperators::from_dense(sub.contiguous()));
}

}  // namespace

GraphProxy induced_subgraph_proxy(const GraphTask& task, const torch::Tensor& train_rows, const torch::Tensor& val_rows,
                                  const torch::Tensor& s_val_features) {
  const auto& tr = task.graph_train;
  const auto& va = task.graph_val;
  if (!tr.graph || !va.graph) throw std::logic_error("induced_subgraph_proxy: the task was loaded without its graph");
  if (!train_rows.defined() || !val_rows.defined())
    throw std::logic_error("induced_subgraph_proxy: the condensed set has no original nodes (not a coreset)");
  torch::Tensor train_nodes = tr.nodes.index_select(0, train_rows), val_nodes = va.nodes.index_select(0, val_rows);
  torch::Tensor both = torch::cat({train_nodes, val_nodes});
  const torch::Tensor& adj = tr.graph->op(models::GraphOp::kAdj);
  torch::Tensor x_train = tr.x.index_select(0, train_nodes);
  torch::Tensor x_val = s_val_features.defined() ? s_val_features.to(x_train.scalar_type()) : va.x.index_select(0, val_nodes);
  const auto ct = train_rows.numel(), cv = val_rows.numel();
  GraphProxy p;
  p.s_train = {x_train, tr.y.index_select(0, train_rows), induced(adj, train_nodes), torch::arange(ct, torch::kLong)};
  p.s_val = {torch::cat({x_train, x_val}), va.y.index_select(0, val_rows), induced(adj, both),
             torch::arange(ct, ct + cv, torch::kLong)};
  return p;
}

}  // namespace hcdc::condense
