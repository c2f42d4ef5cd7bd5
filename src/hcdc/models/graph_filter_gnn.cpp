#include "hcdc/models/graph_filter_gnn.hpp"

#include <fmt/format.h>

#include "hcdc/core/error.hpp"

namespace hcdc::models {

FilterBasis parse_filter_basis(const std::string& name, const std::string& file, const std::string& field) {
  if (name == "monomial") return FilterBasis::kMonomial;
  if (name == "chebyshev") return FilterBasis::kChebyshev;
  if (name == "gin") return FilterBasis::kGin;
  if (name == "sage") return FilterBasis::kSage;
  throw InputError(file, field, fmt::format("unknown basis '{}' (monomial, chebyshev, gin, sage)", name));
}

GraphFilterGnn::GraphFilterGnn(std::int64_t in_features, std::int64_t num_classes, GraphFilterConfig cfg,
                               std::string name)
    : in_(in_features), classes_(num_classes), cfg_(cfg), name_(name.empty() ? "graph-filter" : std::move(name)) {
  if (cfg_.layers < 1) throw SettingError("layers", "must be >= 1");
  if (cfg_.order < 0 || cfg_.order > 32) throw SettingError("order", "must be in [0, 32]");
  if ((cfg_.basis == FilterBasis::kGin || cfg_.basis == FilterBasis::kSage) && cfg_.order != 1)
    throw SettingError("order", "the gin and sage bases have exactly two supports (order = 1)");
  if (cfg_.hidden < 1) throw SettingError("hidden", "must be >= 1");
  for (int l = 0; l < cfg_.layers; ++l) {
    std::int64_t din = l == 0 ? in_ : cfg_.hidden;
    std::int64_t dout = l + 1 == cfg_.layers ? classes_ : cfg_.hidden;
    std::vector<std::int64_t> ws;
    for (std::int64_t k = 0; k < (cfg_.separate_weights ? supports() : 1); ++k) ws.push_back(layout_.add(din, dout));
    weights_.push_back(ws);
    biases_.push_back(layout_.add(dout, 0));
  }
}

std::int64_t GraphFilterGnn::num_lambda() const { return cfg_.per_layer_lambda ? cfg_.layers * supports() : supports(); }

torch::Tensor GraphFilterGnn::init_theta(std::uint64_t seed, torch::Dtype dtype) const {
  return layout_.glorot(seed, dtype);
}

torch::Tensor GraphFilterGnn::default_lambda(torch::Dtype dtype) const {
  return torch::ones({num_lambda()}, torch::TensorOptions().dtype(dtype));
}

torch::Tensor GraphFilterGnn::filter(const GraphOperators& g, const torch::Tensor& coeff,
                                     const std::vector<torch::Tensor>& z) const {
  auto zk = [&](std::int64_t k) -> const torch::Tensor& { return z.size() == 1 ? z[0] : z[static_cast<size_t>(k)]; };
  torch::Tensor out = coeff[0] * zk(0);  // B_0 = I in every basis
  if (cfg_.basis == FilterBasis::kGin || cfg_.basis == FilterBasis::kSage) {
    GraphOp op = cfg_.basis == FilterBasis::kGin ? GraphOp::kAdj : GraphOp::kMeanAdj;
    return out + coeff[1] * g.apply(op, zk(1));
  }
  if (z.size() == 1) {
    // Shared weights: one recurrence over k.
    torch::Tensor prev2, prev = zk(0);
    for (std::int64_t k = 1; k < supports(); ++k) {
      torch::Tensor cur;
      if (cfg_.basis == FilterBasis::kMonomial) cur = g.apply(GraphOp::kGcn, prev);
      else if (k == 1) cur = -g.apply(GraphOp::kSymAdj, prev);
      else cur = -2 * g.apply(GraphOp::kSymAdj, prev) - prev2;
      out = out + coeff[k] * cur;
      prev2 = prev;
      prev = cur;
    }
    return out;
  }
  // Separate weights: B_k applied to its own z_k (k products each).
  for (std::int64_t k = 1; k < supports(); ++k) {
    torch::Tensor prev2, prev = zk(k), cur = prev;
    for (std::int64_t j = 1; j <= k; ++j) {
      if (cfg_.basis == FilterBasis::kMonomial) cur = g.apply(GraphOp::kGcn, prev);
      else if (j == 1) cur = -g.apply(GraphOp::kSymAdj, prev);
      else cur = -2 * g.apply(GraphOp::kSymAdj, prev) - prev2;
      prev2 = prev;
      prev = cur;
    }
    out = out + coeff[k] * cur;
  }
  return out;
}

torch::Tensor GraphFilterGnn::logits(const torch::Tensor& theta, const torch::Tensor& lambda,
                                     const ModelInput& in) const {
  if (!in.graph)
    throw SettingError("family", fmt::format("{} is a graph model but the data has no graph", name_));
  if (in.x.dim() != 2 || in.x.size(1) != in_)
    throw SettingError("family", fmt::format("{} expects {} node features, the data has {}", name_, in_,
                                              in.x.dim() == 2 ? in.x.size(1) : -1));
  torch::Tensor h = in.x;
  for (int l = 0; l < cfg_.layers; ++l) {
    torch::Tensor coeff = cfg_.per_layer_lambda ? lambda.narrow(0, l * supports(), supports()) : lambda;
    std::vector<torch::Tensor> z;
    for (auto w : weights_[static_cast<size_t>(l)])
      z.push_back(l == 0 ? in.x_times(layout_.view(theta, w)) : torch::mm(h, layout_.view(theta, w)));
    h = filter(*in.graph, coeff, z) + layout_.view(theta, biases_[static_cast<size_t>(l)]);
    if (l + 1 < cfg_.layers && cfg_.nonlinear) h = cfg_.smooth ? torch::tanh(h) : torch::relu(h);
  }
  return h;
}

}  // namespace hcdc::models
