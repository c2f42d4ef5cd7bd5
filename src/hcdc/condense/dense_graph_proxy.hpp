#pragma once
// A condensed graph that carries its own structure, for message-passing candidates: node features
// of S_train and S_val and one adjacency over S_train ∪ S_val (CondensedPair::adjacency, S_train's
// nodes first). A candidate trains on S_train over the block of the adjacency among S_train's
// nodes and is scored on S_val's nodes over the whole of it — for a coreset the same proxy as the
// subgraph its nodes induce (condense/induced_subgraph.hpp), for GCond its learned A' (no edges
// between S_train and S_val, which were condensed apart), for GCond-X no edges at all. This is
// also how a condensed file holds such a proxy (`adjacency`, schema hcdc.condensed_set).
#include "hcdc/condense/induced_subgraph.hpp"

namespace hcdc::condense {

// pair.s_train.x: c_train × F node features, pair.s_val.x: c_val × F; an undefined adjacency is
// the empty graph.
GraphProxy dense_graph_proxy(const CondensedPair& pair);

// The node features and the union's adjacency of `proxy` as a pair (for a file), with the rest
// (history, timings, counts) from `made`; dense_graph_proxy of the result is `proxy` again.
CondensedPair structured_pair(const GraphProxy& proxy, const CondensedPair& made);

}  // namespace hcdc::condense
