#include "hcdc/run/graph_task.hpp"

#include <spdlog/spdlog.h>

#include "hcdc/core/error.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/models/graph_operators.hpp"

namespace hcdc::run {

condense::GraphTask load_graph_task(const std::string& path, const std::string& basis_name, int order, bool normalize_features,
                                    bool message_passing) {
  data::Graph g = data::read_graph(path);
  if (g.sparse_features()) throw InputError(path, "features_csr", "condensation needs dense features");
  if (g.splits.val.empty()) throw InputError(path, "splits/val", "the dataset has no validation split");
  auto basis = models::parse_filter_basis(basis_name, path, "search.basis");
  auto y = torch::tensor(g.labels, torch::kLong);
  std::shared_ptr<models::GraphOperators> shared_ops;
  torch::Tensor x;
  const std::vector<torch::Tensor> split_rows{torch::tensor(g.splits.train, torch::kLong),
                                              torch::tensor(g.splits.val, torch::kLong),
                                              torch::tensor(g.splits.test, torch::kLong)};
  std::vector<torch::Tensor> split_blocks;  // train, val, test
  {
    // The file's features are viewed, not copied, and the operators go with this scope unless
    // message passing keeps them: on a large graph each is another full copy of the graph.
    // Decoupled candidates need only the operator of their basis; message passing needs them all.
    auto ops = message_passing
                   ? models::GraphOperators::from_csr(g.num_nodes, g.indptr, g.indices, g.weights, torch::kFloat)
                   : models::GraphOperators::one_from_csr(g.num_nodes, g.indptr, g.indices, g.weights, torch::kFloat,
                                                          models::propagation_operator(basis));
    // The operators hold the graph now: the file's CSR goes before the propagation's hops do.
    std::vector<std::int64_t>().swap(g.indptr);
    std::vector<std::int64_t>().swap(g.indices);
    std::vector<float>().swap(g.weights);
    x = torch::from_blob(g.features.data(), {g.num_nodes, g.num_features}, torch::kFloat);
    x = normalize_features ? x / x.abs().sum(1, true).clamp_min(1e-12) : (message_passing ? x.clone() : x);
    if (normalize_features || message_passing) std::vector<float>().swap(g.features);  // x is a copy, not a view
    // Only the split nodes' blocks are kept (hop by hop): never the whole graph's K+1 hops.
    split_blocks = models::propagate_rows(ops, x, basis, order, split_rows);
    if (message_passing) shared_ops = std::make_shared<models::GraphOperators>(std::move(ops));
  }
  // The features are in x (message passing) or in the blocks.
  if (!message_passing) {
    x = torch::Tensor();
    std::vector<float>().swap(g.features);
  }
  auto sel = [&](std::size_t s) { return search::blocks_of(split_blocks[s], y.index_select(0, split_rows[s])); };
  condense::GraphTask task{sel(0), sel(1), sel(2), g.num_classes, g.num_nodes, {}, {}, {}};
  if (message_passing) {
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

condense::GraphTask load_graph_task(dist::Communicator& comm, bool share_on_node, const std::string& path,
                                    const std::string& basis, int order, bool normalize_features, bool message_passing) {
  if (!share_on_node || message_passing)
    return load_graph_task(path, basis, order, normalize_features, message_passing);
  auto share = comm.share_within_node([&] {
    auto t = load_graph_task(path, basis, order, normalize_features, false);
    return std::vector<torch::Tensor>{t.train.x, t.train.y, t.val.x, t.val.y, t.test.x, t.test.y,
                                      torch::tensor({t.num_classes, t.num_nodes}, torch::kLong)};
  });
  const auto& s = share.tensors;
  if (share.shared_bytes > 0 && share.node_rank == 0)
    spdlog::info("graph: one copy of the blocks per node ({:.3g} MiB, shared by {} ranks)",
                 static_cast<double>(share.shared_bytes) / (1 << 20), share.node_size);
  auto meta = s[6].accessor<std::int64_t, 1>();
  return condense::GraphTask{search::blocks_of(s[0], s[1]), search::blocks_of(s[2], s[3]), search::blocks_of(s[4], s[5]),
                             meta[0], meta[1], {}, {}, {}};
}

}  // namespace hcdc::run
