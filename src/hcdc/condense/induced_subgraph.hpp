#pragma once
// A coreset's condensed graph for message-passing candidates: the subgraph of the original graph
// induced by the chosen nodes S = S_train ∪ S_val (the paper's Random baseline), with S_train and
// S_val as labelled nodes of it. Edges between chosen nodes are kept, every other edge is gone:
// on a small budget most chosen nodes are isolated, and a candidate sees what it would see of
// such a sample.
#include <torch/torch.h>

#include "hcdc/condense/condensers.hpp"

namespace hcdc::condense {

struct GraphProxy {
  search::LabelledBlocks s_train, s_val;  // one graph: S_train's nodes first, then S_val's
};

// train_rows / val_rows: rows of task.graph_train / task.graph_val (a coreset's picks, distinct).
GraphProxy induced_subgraph_proxy(const GraphTask& task, const torch::Tensor& train_rows, const torch::Tensor& val_rows);

}  // namespace hcdc::condense
