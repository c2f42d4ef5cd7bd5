#pragma once
// Small float64 problems for the hypergradient tests.
#include <torch/torch.h>

#include <memory>

#include "hcdc/data/csbm.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/models/graph_operators.hpp"

namespace hcdc::test {

inline torch::Tensor longs(const std::vector<std::int64_t>& v) { return torch::tensor(v, torch::kLong); }

// A small cSBM graph as tensors.
struct SmallGraph {
  data::Graph g;
  std::shared_ptr<models::GraphOperators> ops;
  torch::Tensor x, y, train, val, test;
};

inline SmallGraph small_graph(std::int64_t n = 60, std::int64_t classes = 3, std::int64_t features = 4,
                              std::uint64_t seed = 1) {
  data::CsbmOptions o;
  o.num_nodes = n;
  o.num_classes = classes;
  o.num_features = features;
  o.avg_degree = 4;
  o.train_per_class = 5;
  o.num_val = n / 4;
  o.num_test = n / 4;
  o.seed = seed;
  SmallGraph s;
  s.g = data::generate_csbm(o);
  s.ops = std::make_shared<models::GraphOperators>(
      models::GraphOperators::from_csr(n, s.g.indptr, s.g.indices, {}, torch::kDouble));
  s.x = torch::tensor(s.g.features, torch::kFloat).to(torch::kDouble).view({n, features});
  s.y = longs(s.g.labels);
  s.train = longs(s.g.splits.train);
  s.val = longs(s.g.splits.val);
  s.test = longs(s.g.splits.test);
  return s;
}

inline double rel_err(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).norm().item<double>() / std::max(b.norm().item<double>(), 1e-300);
}

}  // namespace hcdc::test
