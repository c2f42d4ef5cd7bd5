#pragma once
// The [model] section: which model family, its discrete settings and the initial λ.
#include <memory>
#include <string>
#include <vector>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/models/model_family.hpp"
#include "hcdc/run/dataset_tensors.hpp"

namespace hcdc::run {

struct ModelSpec {
  std::string family = "graph-filter";  // linear | graph-filter | named-filter | supernet
  // linear
  bool per_class_lambda = false;
  // graph-filter
  std::string basis = "monomial";
  std::int64_t order = 2, layers = 2, hidden = 64;
  bool separate_weights = false, per_layer_lambda = false, smooth = false;
  // supernet
  std::int64_t channels = 8, nodes = 4;
  std::vector<std::string> ops;  // empty: all seven
  std::string weighting = "softmax";
  double gumbel_temperature = 1.0;
  // named-filter
  std::string filter = "gcn";
  std::vector<double> lambda;   // initial λ (empty: the family's default)
  double weight_decay = 5e-4;
  std::string dtype = "float32";
};

ModelSpec parse_model_spec(config::StrictTable t);
torch::Dtype model_dtype(const ModelSpec& m);

struct BuiltModel {
  std::shared_ptr<models::ModelFamily> family;
  torch::Tensor lambda;  // initial λ
};
// Checks the model against the data (a graph model needs a graph, feature counts must match).
BuiltModel build_model(const ModelSpec& m, const DatasetTensors& d, const std::string& file);

}  // namespace hcdc::run
