#pragma once
// A dataset file (hcdc.graph or hcdc.image_set) as tensors, ready for a model family.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "hcdc/models/graph_operators.hpp"

namespace hcdc::run {

struct DatasetTensors {
  std::string path, schema;
  bool is_graph = false;
  torch::Tensor x;  // graphs: N×F; images: N×C×H×W scaled to [0, 1] for 8-bit data
  std::shared_ptr<const models::GraphOperators> graph;
  torch::Tensor y, train, val, test;  // int64
  std::int64_t num_classes = 0;
  std::vector<std::int64_t> sample_shape;  // {F} or {C, H, W}
};

DatasetTensors load_dataset_tensors(const std::string& path, torch::Dtype dtype);

}  // namespace hcdc::run
