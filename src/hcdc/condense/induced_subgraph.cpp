#include "hcdc/condense/induced_subgraph.hpp"

#include <stdexcept>

#include "hcdc/models/graph_operators.hpp"

namespace hcdc::condense {

GraphProxy induced_subgraph_proxy(const GraphTask& task, const torch::Tensor& train_rows, const torch::Tensor& val_rows) {
  const auto& tr = task.graph_train;
  const auto& va = task.graph_val;
  if (!tr.graph || !va.graph) throw std::logic_error("induced_subgraph_proxy: the task was loaded without its graph");
  torch::Tensor nodes = torch::cat({tr.nodes.index_select(0, train_rows), va.nodes.index_select(0, val_rows)});
  // The condensed graph is small (a budget of the labelled nodes): a dense adjacency.
  torch::Tensor adj = tr.graph->op(models::GraphOp::kAdj);
  torch::Tensor sub = adj.is_sparse() ? adj.index_select(0, nodes).index_select(1, nodes).to_dense()
                                      : adj.index_select(0, nodes).index_select(1, nodes);
  auto ops = std::make_shared<models::GraphOperators>(models::GraphOperators::from_dense(sub.contiguous()));
  torch::Tensor x = tr.x.index_select(0, nodes);
  const auto ct = train_rows.numel(), cv = val_rows.numel();
  GraphProxy p;
  p.s_train = {x, tr.y.index_select(0, train_rows), ops, torch::arange(ct, torch::kLong)};
  p.s_val = {x, va.y.index_select(0, val_rows), ops, torch::arange(ct, ct + cv, torch::kLong)};
  return p;
}

}  // namespace hcdc::condense
