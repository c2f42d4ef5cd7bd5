// One forward for L_train and L_val (BilevelProblem::losses), as the hypergradient uses it on a
// full-batch graph model, against the two separate evaluations.
#include <gtest/gtest.h>

#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/hypergrad/second_order.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

struct GraphProblem {
  SmallGraph s = small_graph(40, 3, 5, 3);
  std::shared_ptr<models::GraphFilterGnn> model;
  std::shared_ptr<models::ClassificationProblem> p;
  torch::Tensor x, theta, lambda;
  explicit GraphProblem(bool same_input) {
    x = s.x.detach().clone().requires_grad_(true);  // data the adjoint form differentiates
    models::GraphFilterConfig c;
    c.hidden = 6;
    c.smooth = true;
    model = std::make_shared<models::GraphFilterGnn>(5, 3, c);
    models::ModelInput in{x, s.ops};
    // Another tensor with equal values: the problem cannot know it is the same input.
    models::ModelInput val_in{same_input ? x : x.detach().clone(), s.ops};
    p = std::make_shared<models::ClassificationProblem>(
        model, models::LabelledSplit{in, s.train, s.y.index_select(0, s.train)},
        models::LabelledSplit{val_in, s.val, s.y.index_select(0, s.val)}, 1e-2);
    lambda = torch::tensor({0.4, 0.3, 0.2}, torch::kDouble);
    theta = hypergrad::train_theta(*p, model->init_theta(0, torch::kDouble), lambda, {"adam", 0.05, 0, 100});
  }
};

TEST(SharedForward, LossesEqualTheSeparateEvaluations) {
  for (bool same : {true, false}) {
    GraphProblem g(same);
    auto [train, val] = g.p->losses(g.theta, g.lambda);
    EXPECT_EQ(train.item<double>(), g.p->train_loss(g.theta, g.lambda).item<double>()) << "same input " << same;
    EXPECT_EQ(val.item<double>(), g.p->val_loss(g.theta, g.lambda).item<double>()) << "same input " << same;
  }
}

TEST(SharedForward, HypergradientAndAdjointEqualTheTwoForwardRoute) {
  GraphProblem g(true);
  hypergrad::SolverOptions o;
  o.kind = hypergrad::SolverKind::kConjugateGradient;
  o.cg_max_iterations = 200;
  o.cg_tolerance = 1e-12;
  hypergrad::SecondOrder two(*g.p, g.theta, g.lambda, /*with_val_loss=*/false);
  hypergrad::SecondOrder one(*g.p, g.theta, g.lambda, /*with_val_loss=*/true);
  ASSERT_FALSE(two.val_loss().defined());
  ASSERT_TRUE(one.val_loss().defined());
  auto a = hypergrad::hypergradient(*g.p, two, o), b = hypergrad::hypergradient(*g.p, one, o);
  EXPECT_LT(rel_err(b.total, a.total), 1e-10);
  EXPECT_EQ(a.val_loss, b.val_loss);
  EXPECT_GT(a.total.norm().item<double>(), 1e-6) << "a zero hypergradient would compare equal trivially";
  // The adjoint form differentiates the kept L_val again (its graph was retained).
  torch::Tensor w = torch::tensor({1.0, -0.5, 0.25}, torch::kDouble);
  auto ja = hypergrad::adjoint_data_gradient(*g.p, two, w, g.x, o);
  auto jb = hypergrad::adjoint_data_gradient(*g.p, one, w, g.x, o);
  EXPECT_LT(rel_err(jb.z, ja.z), 1e-10);
  EXPECT_LT(rel_err(jb.data_grad, ja.data_grad), 1e-10);
  EXPECT_GT(ja.data_grad.norm().item<double>(), 1e-8);
}

}  // namespace
}  // namespace hcdc::test
