// Sparse node features (models/sparse_features.hpp) against the same features dense: the same
// logits, Hessian-vector products and hypergradients of a graph-filter model.
#include <gtest/gtest.h>

#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/hypergrad/second_order.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/models/sparse_features.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

// A bag-of-words-like matrix: about one entry in twenty non-zero.
torch::Tensor mostly_zero(std::int64_t n, std::int64_t f) {
  torch::manual_seed(4);
  return torch::rand({n, f}, torch::kDouble).lt(0.05).to(torch::kDouble) * torch::rand({n, f}, torch::kDouble);
}

TEST(SparseFeatures, OnlyMostlyZeroMatricesBecomeSparse) {
  torch::Tensor x = mostly_zero(30, 20);
  EXPECT_NEAR(models::density(x), x.ne(0).sum().item<double>() / 600.0, 1e-15);
  torch::Tensor s = models::sparse_if_mostly_zero(x);
  ASSERT_TRUE(s.is_sparse());
  EXPECT_TRUE(s.is_coalesced());
  EXPECT_TRUE(torch::equal(s.to_dense(), x));
  torch::Tensor dense = torch::rand({30, 20}, torch::kDouble) + 0.1;
  EXPECT_FALSE(models::sparse_if_mostly_zero(dense).is_sparse());
  EXPECT_FALSE(models::sparse_if_mostly_zero(x, 0.01).is_sparse()) << "the threshold is honoured";
}

TEST(SparseFeatures, GraphFilterModelGivesTheSameHypergradient) {
  SmallGraph g = small_graph(40, 3, 12, 5);
  torch::Tensor x = mostly_zero(40, 12);
  models::GraphFilterConfig c;
  c.hidden = 5;
  c.smooth = true;
  auto model = std::make_shared<models::GraphFilterGnn>(12, 3, c);
  ASSERT_TRUE(model->accepts_sparse_input());
  auto problem = [&](const torch::Tensor& features) {
    models::ModelInput in{features, g.ops};
    return models::ClassificationProblem(model, {in, g.train, g.y.index_select(0, g.train)},
                                         {in, g.val, g.y.index_select(0, g.val)}, 1e-2);
  };
  auto dense = problem(x), sparse = problem(models::sparse_if_mostly_zero(x));
  torch::Tensor lambda = torch::tensor({0.5, 0.3, 0.2}, torch::kDouble);
  torch::Tensor theta = hypergrad::train_theta(dense, model->init_theta(1, torch::kDouble), lambda, {"adam", 0.05, 0, 80});
  EXPECT_NEAR(sparse.train_loss(theta, lambda).item<double>(), dense.train_loss(theta, lambda).item<double>(), 1e-12);
  hypergrad::SecondOrder sd(dense, theta, lambda), ss(sparse, theta, lambda);
  torch::Tensor v = torch::randn({model->num_theta()}, torch::kDouble);
  EXPECT_LT(rel_err(ss.hvp(v), sd.hvp(v)), 1e-10);
  hypergrad::SolverOptions o;
  o.kind = hypergrad::SolverKind::kExact;
  auto hd = hypergrad::hypergradient(dense, theta, lambda, o), hs = hypergrad::hypergradient(sparse, theta, lambda, o);
  EXPECT_LT(rel_err(hs.total, hd.total), 1e-9);
  EXPECT_GT(hd.total.norm().item<double>(), 1e-8);
}

}  // namespace
}  // namespace hcdc::test
