#pragma once
// A condensed graph for message-passing candidates from chosen original nodes (the paper's Random
// baseline): S_train's nodes with the subgraph they induce, for training, and S_val's nodes inside
// the subgraph S_train ∪ S_val induce, for validation. Edges between chosen nodes are kept, every
// other edge is gone: on a small budget most chosen nodes are isolated, and a candidate sees what it
// would see of such a sample. S_val's nodes are not in the training graph: a candidate's weights
// then do not depend on S_val, which HCDC's hypergradient with respect to S_val assumes (and a
// validation node's features do not leak into training).
#include <torch/torch.h>

#include "hcdc/condense/condensers.hpp"

namespace hcdc::condense {

struct GraphProxy {
  search::LabelledBlocks s_train;  // x: S_train's features, graph: their induced subgraph, nodes 0..c_train-1
  search::LabelledBlocks s_val;    // x: S_train's then S_val's features, graph: the union's induced subgraph,
                                   // nodes c_train..c_train+c_val-1
};

// train_rows / val_rows: rows of task.graph_train / task.graph_val (distinct picks). With
// `s_val_features` (c_val × F), S_val's nodes carry those features instead of their own (HCDC's
// learned S_val on its starting nodes' structure).
GraphProxy induced_subgraph_proxy(const GraphTask& task, const torch::Tensor& train_rows, const torch::Tensor& val_rows,
                                  const torch::Tensor& s_val_features = {});

}  // namespace hcdc::condense
