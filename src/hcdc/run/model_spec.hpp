#pragma once
// The [model] section: which model family (a registered name, run/model_families below), its own
// settings, and the keys every family shares (initial λ, weight decay, dtype).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/core/registry.hpp"
#include "hcdc/models/model_family.hpp"
#include "hcdc/run/dataset_tensors.hpp"

namespace hcdc::run {

struct BuiltModel {
  std::shared_ptr<models::ModelFamily> family;
  torch::Tensor lambda;  // initial λ
};

// A family's parsed settings, ready to build against a dataset: checks the model against the
// data (a graph model needs a graph, feature counts must match); errors name `file`'s keys.
using ModelBuilder = std::function<BuiltModel(const DatasetTensors& d, torch::Dtype dtype, const std::string& file)>;

// A model family for `hcdc hpo` / `hcdc hypergrad`. Joins from its own file in one line:
//   HCDC_REGISTER(run::model_families(), "my-family", 100, run::ModelFamilyEntry{help, parse});
struct ModelFamilyEntry {
  std::string help;
  std::function<ModelBuilder(config::StrictTable& t)> parse;  // its own keys of [model]
};
Registry<ModelFamilyEntry>& model_families();

struct ModelSpec {
  std::string family = "graph-filter";
  ModelBuilder build;
  std::vector<double> lambda;   // initial λ (empty: the family's default)
  double weight_decay = 5e-4;
  std::string dtype = "float32";
};

ModelSpec parse_model_spec(config::StrictTable t);
torch::Dtype model_dtype(const ModelSpec& m);
BuiltModel build_model(const ModelSpec& m, const DatasetTensors& d, const std::string& file);

}  // namespace hcdc::run
