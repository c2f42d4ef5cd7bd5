#pragma once
// The condensation experiment's view of a graph file: its features propagated into the blocks
// [X, ÂX, …, Â^K X] of the search space's basis, split into train/val/test.
#include <string>

#include "hcdc/condense/condensers.hpp"

namespace hcdc::run {

// Features row-normalised first if asked (as the Planetoid baselines do). With `message_passing`
// the task also keeps the graph and its splits as labelled nodes of it (GraphTask::graph_train…).
condense::GraphTask load_graph_task(const std::string& path, const std::string& basis, int order,
                                    bool normalize_features, bool message_passing = false);

}  // namespace hcdc::run
