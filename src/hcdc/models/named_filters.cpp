#include "hcdc/models/named_filters.hpp"

#include <fmt/format.h>

#include "hcdc/core/error.hpp"

namespace hcdc::models {

std::vector<std::string> named_filter_names() {
  return {"gcn", "sgc-2", "sgc-3", "chebnet-2", "chebnet-3", "gin-0", "gin-eps", "sage-mean"};
}

NamedFilter make_named_filter(const std::string& name, std::int64_t in_features, std::int64_t num_classes,
                              int layers, std::int64_t hidden, torch::Dtype dtype) {
  GraphFilterConfig c;
  c.layers = layers;
  c.hidden = hidden;
  std::vector<double> lam;
  auto order_suffix = [&](const std::string& prefix) {
    try {
      return std::stoi(name.substr(prefix.size()));
    } catch (...) {
      throw SettingError("filter", fmt::format("'{}': expected {}K with an integer K", name, prefix));
    }
  };
  if (name == "gcn") {
    c.basis = FilterBasis::kMonomial;
    c.order = 1;
    lam = {0, 1};
  } else if (name.rfind("sgc-", 0) == 0) {
    c.basis = FilterBasis::kMonomial;
    c.order = order_suffix("sgc-");
    c.nonlinear = false;
    lam.assign(static_cast<size_t>(c.order + 1), 0.0);
    lam.back() = 1;
  } else if (name.rfind("chebnet-", 0) == 0) {
    c.basis = FilterBasis::kChebyshev;
    c.order = order_suffix("chebnet-");
    c.separate_weights = true;
    lam.assign(static_cast<size_t>(c.order + 1), 1.0);
  } else if (name == "gin-0" || name == "gin-eps") {
    c.basis = FilterBasis::kGin;
    c.order = 1;
    lam = {name == "gin-0" ? 1.0 : 1.1, 1.0};
  } else if (name == "sage-mean") {
    c.basis = FilterBasis::kSage;
    c.order = 1;
    c.separate_weights = true;
    lam = {1, 1};
  } else {
    throw SettingError("filter",
                     fmt::format("unknown filter '{}' (gcn, sgc-K, chebnet-K, gin-0, gin-eps, sage-mean)", name));
  }
  NamedFilter f;
  f.model = std::make_shared<GraphFilterGnn>(in_features, num_classes, c, name);
  f.lambda = torch::tensor(lam, torch::kDouble).to(dtype);
  return f;
}

}  // namespace hcdc::models
