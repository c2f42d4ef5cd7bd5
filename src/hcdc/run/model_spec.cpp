#include "hcdc/run/model_spec.hpp"

#include <fmt/format.h>

#include <cmath>

#include "hcdc/core/error.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/models/logistic_regression.hpp"
#include "hcdc/models/named_filters.hpp"
#include "hcdc/models/supernet.hpp"

namespace hcdc::run {

ModelSpec parse_model_spec(config::StrictTable t) {
  ModelSpec m;
  m.family = t.get<std::string>("family", m.family);
  if (m.family == "linear") {
    m.per_class_lambda = t.get<bool>("per_class_lambda", m.per_class_lambda);
  } else if (m.family == "graph-filter") {
    m.basis = t.get<std::string>("basis", m.basis);
    models::parse_filter_basis(m.basis, t.file(), t.qualified("basis"));
    m.order = t.get<std::int64_t>("order", m.order);
    m.layers = t.get<std::int64_t>("layers", m.layers);
    m.hidden = t.get<std::int64_t>("hidden", m.hidden);
    m.separate_weights = t.get<bool>("separate_weights", m.separate_weights);
    m.per_layer_lambda = t.get<bool>("per_layer_lambda", m.per_layer_lambda);
    m.smooth = t.get<bool>("smooth", m.smooth);
    if (m.order < 0 || m.order > 32) t.fail("order", "must be in [0, 32]");
    if (m.layers < 1 || m.layers > 64) t.fail("layers", "must be in [1, 64]");
    if (m.hidden < 1) t.fail("hidden", "must be >= 1");
  } else if (m.family == "named-filter") {
    m.filter = t.get<std::string>("filter", m.filter);
    m.layers = t.get<std::int64_t>("layers", m.layers);
    m.hidden = t.get<std::int64_t>("hidden", m.hidden);
  } else if (m.family == "supernet") {
    m.channels = t.get<std::int64_t>("channels", m.channels);
    m.nodes = t.get<std::int64_t>("nodes", m.nodes);
    m.ops = t.get<std::vector<std::string>>("ops", m.ops);
    for (std::size_t i = 0; i < m.ops.size(); ++i)
      models::parse_cell_op(m.ops[i], t.file(), t.qualified(fmt::format("ops[{}]", i)));
    m.weighting = t.get<std::string>("weighting", m.weighting);
    if (m.weighting != "softmax" && m.weighting != "gumbel" && m.weighting != "linear")
      t.fail("weighting", "must be softmax, gumbel or linear");
    m.gumbel_temperature = t.get<double>("gumbel_temperature", m.gumbel_temperature);
    if (!(m.gumbel_temperature > 0)) t.fail("gumbel_temperature", "must be > 0");
    m.smooth = t.get<bool>("smooth", m.smooth);
    if (m.channels < 1) t.fail("channels", "must be >= 1");
    if (m.nodes < 2 || m.nodes > 8) t.fail("nodes", "must be in [2, 8]");
  } else {
    t.fail("family", "must be linear, graph-filter, named-filter or supernet (got '" + m.family + "')");
  }
  m.lambda = t.get<std::vector<double>>("lambda", m.lambda);
  for (std::size_t i = 0; i < m.lambda.size(); ++i)
    if (!std::isfinite(m.lambda[i])) t.fail(fmt::format("lambda[{}]", i), "must be finite");
  m.weight_decay = t.get<double>("weight_decay", m.weight_decay);
  if (!(m.weight_decay >= 0) || !std::isfinite(m.weight_decay)) t.fail("weight_decay", "must be finite and >= 0");
  m.dtype = t.get<std::string>("dtype", m.dtype);
  if (m.dtype != "float32" && m.dtype != "float64") t.fail("dtype", "must be float32 or float64");
  t.finish();
  return m;
}

torch::Dtype model_dtype(const ModelSpec& m) { return m.dtype == "float64" ? torch::kDouble : torch::kFloat; }

BuiltModel build_model(const ModelSpec& m, const DatasetTensors& d, const std::string& file) {
  BuiltModel b;
  torch::Dtype dt = model_dtype(m);
  auto need_graph = [&] {
    if (!d.is_graph)
      throw InputError(file, "model.family",
                       fmt::format("{} is a graph model but {} is an image set ({})", m.family, d.path, d.schema));
  };
  if (m.family == "linear") {
    std::int64_t f = 1;
    for (auto s : d.sample_shape) f *= s;
    b.family = std::make_shared<models::LogisticRegression>(f, d.num_classes, m.per_class_lambda);
    b.lambda = b.family->default_lambda(dt);
  } else if (m.family == "graph-filter") {
    need_graph();
    models::GraphFilterConfig c;
    c.basis = models::parse_filter_basis(m.basis, file, "model.basis");
    c.order = static_cast<int>(m.order);
    c.layers = static_cast<int>(m.layers);
    c.hidden = m.hidden;
    c.separate_weights = m.separate_weights;
    c.per_layer_lambda = m.per_layer_lambda;
    c.smooth = m.smooth;
    b.family = std::make_shared<models::GraphFilterGnn>(d.sample_shape[0], d.num_classes, c);
    b.lambda = b.family->default_lambda(dt);
  } else if (m.family == "supernet") {
    if (d.is_graph)
      throw InputError(file, "model.family", fmt::format("supernet is an image model but {} is a graph", d.path));
    models::SupernetConfig c;
    c.in_channels = d.sample_shape[0];
    c.channels = m.channels;
    c.nodes = static_cast<int>(m.nodes);
    if (!m.ops.empty()) {
      c.ops.clear();
      for (const auto& o : m.ops) c.ops.push_back(models::parse_cell_op(o, file, "model.ops"));
    }
    c.weighting = m.weighting;
    c.gumbel_temperature = m.gumbel_temperature;
    c.smooth = m.smooth;
    auto net = std::make_shared<models::Supernet>(d.num_classes, c);
    if (c.weighting == "gumbel") net->resample_gumbel(0);
    b.family = net;
    b.lambda = b.family->default_lambda(dt);
  } else {
    need_graph();
    auto nf = models::make_named_filter(m.filter, d.sample_shape[0], d.num_classes, static_cast<int>(m.layers),
                                        m.hidden, dt);
    b.family = nf.model;
    b.lambda = nf.lambda;
  }
  if (!m.lambda.empty()) {
    if (static_cast<std::int64_t>(m.lambda.size()) != b.family->num_lambda())
      throw InputError(file, "model.lambda",
                       fmt::format("has {} values, the model has {} hyperparameters", m.lambda.size(),
                                   b.family->num_lambda()));
    b.lambda = torch::tensor(m.lambda, torch::kDouble).to(dt);
  }
  return b;
}

}  // namespace hcdc::run
