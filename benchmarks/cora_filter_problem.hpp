#pragma once
// The hypergradient benchmarks' problem, in one place so that the speed benchmark
// (bench_hypergrad.cpp) and the equality check against hypertorch (hypergrad_point.cpp) solve the
// same one: Cora, a 2-layer monomial graph-filter GNN (order 2, hidden 64, shared weights, ReLU,
// biases), mean cross-entropy on the 140 training nodes + ½·5e-4·‖θ‖², L_val the mean
// cross-entropy on the 500 validation nodes, θ trained 100 Adam steps (lr 0.01) from the seed-0
// Glorot initialisation at λ = (1, 1, 1).
#include <cstdint>
#include <memory>
#include <string>

#include "hcdc/data/graph.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/models/sparse_features.hpp"

namespace hcdc::bench {

struct CoraFilterProblem {
  std::shared_ptr<models::GraphFilterGnn> model;
  std::shared_ptr<models::ClassificationProblem> problem;        // features sparse when mostly zero
  std::shared_ptr<models::ClassificationProblem> dense_problem;  // the same with dense features
  // The same sparse features and graph with LibTorch's COO products (torch::mm), the route before
  // models::SparseMatrix: for the side-by-side benchmark.
  std::shared_ptr<models::ClassificationProblem> coo_problem;
  bool sparse_features = false;
  torch::Tensor theta, lambda;
};

inline models::GraphFilterConfig cora_filter_config() {
  models::GraphFilterConfig c;
  c.order = 2;
  c.layers = 2;
  c.hidden = 64;
  return c;
}
constexpr double kCoraFilterWeightDecay = 5e-4;
constexpr int kCoraFilterTrainSteps = 100;
constexpr std::uint64_t kCoraFilterSeed = 0;  // θ's Glorot initialisation

inline CoraFilterProblem make_cora_filter_problem(const data::Graph& g, torch::Dtype dtype) {
  CoraFilterProblem p;
  auto ops = std::make_shared<models::GraphOperators>(
      models::GraphOperators::from_csr(g.num_nodes, g.indptr, g.indices, g.weights, dtype));
  auto dense_x = torch::tensor(g.features).view({g.num_nodes, g.num_features}).to(dtype);
  // As `hcdc hpo` feeds a graph-filter model (run/training_setup.cpp): sparse when mostly zero.
  auto x = models::sparse_if_mostly_zero(dense_x);
  p.sparse_features = x.is_sparse();
  auto y = torch::tensor(g.labels, torch::kLong);
  auto tr = torch::tensor(g.splits.train, torch::kLong), va = torch::tensor(g.splits.val, torch::kLong);
  p.model = std::make_shared<models::GraphFilterGnn>(g.num_features, g.num_classes, cora_filter_config());
  auto split = [&](const torch::Tensor& features, const torch::Tensor& idx) {
    return models::LabelledSplit{models::with_sparse_products({features, ops}), idx, y.index_select(0, idx)};
  };
  auto coo_ops = std::make_shared<models::GraphOperators>(ops->with_libtorch_products());
  auto coo_split = [&](const torch::Tensor& idx) {
    return models::LabelledSplit{models::ModelInput{x, coo_ops}, idx, y.index_select(0, idx)};
  };
  p.problem = std::make_shared<models::ClassificationProblem>(p.model, split(x, tr), split(x, va),
                                                              kCoraFilterWeightDecay);
  p.dense_problem = std::make_shared<models::ClassificationProblem>(p.model, split(dense_x, tr), split(dense_x, va),
                                                                    kCoraFilterWeightDecay);
  p.coo_problem = std::make_shared<models::ClassificationProblem>(p.model, coo_split(tr), coo_split(va),
                                                                  kCoraFilterWeightDecay);
  p.lambda = torch::ones({3}, torch::TensorOptions().dtype(dtype));
  p.theta = hypergrad::train_theta(*p.problem, p.model->init_theta(kCoraFilterSeed, dtype), p.lambda,
                                   {"adam", 0.01, 0, kCoraFilterTrainSteps});
  return p;
}

}  // namespace hcdc::bench
