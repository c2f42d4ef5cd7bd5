#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "hcdc/data/graph.hpp"

namespace hcdc::data {

using EdgeList = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Sets g.indptr/g.indices (g.num_nodes rows) to the undirected graph of `edges`, as the schema
// stores it: each edge in both rows, duplicates merged, self-loops dropped, rows sorted. The
// edges may come once per undirected edge (heterophilous-graphs, cSBM), in both directions, or
// directed (OGB citation graphs, which GNN practice symmetrises). Ids must already be checked to
// lie in [0, num_nodes): this is a builder, not a validator. Consumes `edges` (memory: one copy).
void set_undirected_adjacency(Graph& g, EdgeList edges);

}  // namespace hcdc::data
