#pragma once
// The condensation experiment's view of a graph file: its features propagated into the blocks
// [X, ÂX, …, Â^K X] of the search space's basis, split into train/val/test.
#include <string>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/dist/communicator.hpp"

namespace hcdc::run {

// Features row-normalised first if asked (as the Planetoid baselines do). With `message_passing`
// the task also keeps the graph and its splits as labelled nodes of it (GraphTask::graph_train…).
condense::GraphTask load_graph_task(const std::string& path, const std::string& basis, int order,
                                    bool normalize_features, bool message_passing = false);

// Collective: the same task on every rank, with one copy of the split blocks per node when
// `share_on_node` (dist.share_on_node): the node's first rank reads and propagates the graph and
// the others view its blocks (Communicator::share_within_node; read-only everywhere). The
// message-passing families keep a private copy per rank (their graph operators are not shared).
condense::GraphTask load_graph_task(dist::Communicator& comm, bool share_on_node, const std::string& path,
                                    const std::string& basis, int order, bool normalize_features,
                                    bool message_passing);

}  // namespace hcdc::run
