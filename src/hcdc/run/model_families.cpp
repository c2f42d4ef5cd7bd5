// The built-in model families of `hcdc hpo` / `hcdc hypergrad`, each with its own [model] keys.
#include <fmt/format.h>

#include "hcdc/core/error.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/models/logistic_regression.hpp"
#include "hcdc/models/named_filters.hpp"
#include "hcdc/models/supernet.hpp"
#include "hcdc/run/model_spec.hpp"

namespace hcdc::run {
namespace {

void need_graph(const std::string& family, const DatasetTensors& d, const std::string& file) {
  if (!d.is_graph)
    throw InputError(file, "model.family",
                     fmt::format("{} is a graph model but {} is an image set ({})", family, d.path, d.schema));
}

ModelBuilder linear(config::StrictTable& t) {
  const bool per_class = t.get<bool>("per_class_lambda", false);
  return [per_class](const DatasetTensors& d, torch::Dtype, const std::string&) {
    std::int64_t f = 1;
    for (auto s : d.sample_shape) f *= s;
    return BuiltModel{std::make_shared<models::LogisticRegression>(f, d.num_classes, per_class), {}};
  };
}

ModelBuilder graph_filter(config::StrictTable& t) {
  models::GraphFilterConfig c;
  const auto basis = t.get<std::string>("basis", "monomial");
  c.basis = models::parse_filter_basis(basis, t.file(), t.qualified("basis"));
  const auto order = t.get<std::int64_t>("order", 2);
  const auto layers = t.get<std::int64_t>("layers", 2);
  c.hidden = t.get<std::int64_t>("hidden", 64);
  c.separate_weights = t.get<bool>("separate_weights", false);
  c.per_layer_lambda = t.get<bool>("per_layer_lambda", false);
  c.smooth = t.get<bool>("smooth", false);
  if (order < 0 || order > 32) t.fail("order", "must be in [0, 32]");
  if (layers < 1 || layers > 64) t.fail("layers", "must be in [1, 64]");
  if (c.hidden < 1) t.fail("hidden", "must be >= 1");
  c.order = static_cast<int>(order);
  c.layers = static_cast<int>(layers);
  return [c](const DatasetTensors& d, torch::Dtype, const std::string& file) {
    need_graph("graph-filter", d, file);
    return BuiltModel{std::make_shared<models::GraphFilterGnn>(d.sample_shape[0], d.num_classes, c), {}};
  };
}

ModelBuilder named_filter(config::StrictTable& t) {
  const auto filter = t.get<std::string>("filter", "gcn");
  const auto layers = static_cast<int>(t.get<std::int64_t>("layers", 2));
  const auto hidden = t.get<std::int64_t>("hidden", 64);
  return [=](const DatasetTensors& d, torch::Dtype dt, const std::string& file) {
    need_graph("named-filter", d, file);
    auto nf = models::make_named_filter(filter, d.sample_shape[0], d.num_classes, layers, hidden, dt);
    return BuiltModel{nf.model, nf.lambda};
  };
}

ModelBuilder supernet(config::StrictTable& t) {
  models::SupernetConfig c;
  c.channels = t.get<std::int64_t>("channels", 8);
  const auto nodes = t.get<std::int64_t>("nodes", 4);
  const auto ops = t.get<std::vector<std::string>>("ops", {});
  if (!ops.empty()) {
    c.ops.clear();
    for (std::size_t i = 0; i < ops.size(); ++i)
      c.ops.push_back(models::parse_cell_op(ops[i], t.file(), t.qualified(fmt::format("ops[{}]", i))));
  }
  c.weighting = t.get<std::string>("weighting", "softmax");
  if (c.weighting != "softmax" && c.weighting != "gumbel" && c.weighting != "gdas" && c.weighting != "linear")
    t.fail("weighting", "must be softmax, gumbel, gdas or linear");
  c.gumbel_temperature = t.get<double>("gumbel_temperature", 1.0);
  if (!(c.gumbel_temperature > 0)) t.fail("gumbel_temperature", "must be > 0");
  c.smooth = t.get<bool>("smooth", false);
  if (c.channels < 1) t.fail("channels", "must be >= 1");
  if (nodes < 2 || nodes > 8) t.fail("nodes", "must be in [2, 8]");
  c.nodes = static_cast<int>(nodes);
  return [c](const DatasetTensors& d, torch::Dtype, const std::string& file) {
    if (d.is_graph)
      throw InputError(file, "model.family", fmt::format("supernet is an image model but {} is a graph", d.path));
    models::SupernetConfig cc = c;
    cc.in_channels = d.sample_shape[0];
    auto net = std::make_shared<models::Supernet>(d.num_classes, cc);
    net->resample_noise(0);  // gumbel / gdas: one fixed draw
    return BuiltModel{net, {}};
  };
}

}  // namespace

HCDC_REGISTER(model_families(), "linear", 10,
              ModelFamilyEntry{"multinomial logistic regression on flattened samples; λ = log L2 strength", linear});
HCDC_REGISTER(model_families(), "graph-filter", 20,
              ModelFamilyEntry{"GNN whose convolution is a polynomial filter Σ_k λ_k B_k in every layer", graph_filter});
HCDC_REGISTER(model_families(), "named-filter", 30,
              ModelFamilyEntry{"a textbook convolution (gcn, sgc-K, chebnet-K, gin-0, gin-eps, sage-mean)", named_filter});
HCDC_REGISTER(model_families(), "supernet", 40,
              ModelFamilyEntry{"DARTS-style image cell; λ = the operation weights α", supernet});

}  // namespace hcdc::run
