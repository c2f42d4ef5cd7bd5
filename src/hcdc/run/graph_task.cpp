#include "hcdc/run/graph_task.hpp"

#include "hcdc/core/error.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/models/graph_operators.hpp"

namespace hcdc::run {

condense::GraphTask load_graph_task(const std::string& path, const std::string& basis_name, int order, bool normalize_features,
                                    bool message_passing) {
  data::Graph g = data::read_graph(path);
  if (g.sparse_features()) throw InputError(path, "features_csr", "condensation needs dense features");
  auto ops = models::GraphOperators::from_csr(g.num_nodes, g.indptr, g.indices, g.weights, torch::kFloat);
  auto x = torch::tensor(g.features).view({g.num_nodes, g.num_features});
  if (normalize_features) x = x / x.abs().sum(1, true).clamp_min(1e-12);
  auto basis = models::parse_filter_basis(basis_name, path, "search.basis");
  auto blocks = models::propagate_blocks(ops, x, basis, order);
  auto y = torch::tensor(g.labels, torch::kLong);
  auto sel = [&](const std::vector<std::int64_t>& idx) {
    auto i = torch::tensor(idx, torch::kLong);
    return search::blocks_of(blocks.index_select(0, i).contiguous(), y.index_select(0, i));
  };
  if (g.splits.val.empty()) throw InputError(path, "splits/val", "the dataset has no validation split");
  condense::GraphTask task{sel(g.splits.train), sel(g.splits.val), sel(g.splits.test), g.num_classes, g.num_nodes,
                           {}, {}, {}};
  if (message_passing) {
    auto shared_ops = std::make_shared<models::GraphOperators>(std::move(ops));
    auto nodes_of = [&](const std::vector<std::int64_t>& idx) {
      auto i = torch::tensor(idx, torch::kLong);
      return search::LabelledBlocks{x, y.index_select(0, i), shared_ops, i};
    };
    task.graph_train = nodes_of(g.splits.train);
    task.graph_val = nodes_of(g.splits.val);
    task.graph_test = nodes_of(g.splits.test);
  }
  return task;
}

}  // namespace hcdc::run
