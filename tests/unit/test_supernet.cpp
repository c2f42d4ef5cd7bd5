// The image supernet: one-hot α is the discrete network; hypergradients on tiny images.
#include <gtest/gtest.h>

#include <random>

#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/models/supernet.hpp"
#include "test_helpers.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

using models::CellOp;

torch::Tensor tiny_images(std::int64_t n, std::int64_t c, std::int64_t hw, std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randn({n, c, hw, hw}, torch::kDouble);
}

TEST(Supernet, OneHotArchitectureIsTheDiscreteNetworkExactly) {
  models::SupernetConfig cfg;
  cfg.in_channels = 3;
  cfg.channels = 4;
  cfg.nodes = 4;
  cfg.weighting = "linear";
  models::Supernet net(5, cfg);
  auto theta = net.init_theta(1, torch::kDouble);
  auto x = tiny_images(6, 3, 8, 0);
  const auto ops = models::all_cell_ops();
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<CellOp> chosen;
    auto lambda = torch::zeros({net.num_lambda()}, torch::kDouble);
    for (std::int64_t e = 0; e < net.num_edges(); ++e) {
      auto o = static_cast<std::int64_t>(rng() % ops.size());
      chosen.push_back(ops[static_cast<size_t>(o)]);
      lambda[e * static_cast<std::int64_t>(ops.size()) + o] = 1.0;
    }
    auto mixed = net.logits(theta, lambda, {x, nullptr});
    auto discrete = net.discrete_logits(theta, chosen, {x, nullptr});
    EXPECT_TRUE(torch::equal(mixed, discrete)) << "trial " << trial;
  }
}

TEST(Supernet, SoftmaxWeightsMixEveryOperation) {
  models::SupernetConfig cfg;
  cfg.channels = 3;
  cfg.nodes = 2;
  models::Supernet net(2, cfg);
  auto theta = net.init_theta(0, torch::kDouble);
  auto x = tiny_images(2, 1, 6, 1);
  // With one edge and uniform α the output is the head of the mean of the seven operations.
  auto out = net.logits(theta, net.default_lambda(torch::kDouble), {x, nullptr});
  auto sum = torch::zeros_like(out);
  for (auto op : models::all_cell_ops()) sum = sum + net.discrete_logits(theta, {op}, {x, nullptr});
  // The head is affine: mean of the per-op logits equals the logits of the mean state.
  EXPECT_TRUE(torch::allclose(out, sum / 7.0, 1e-10, 1e-12));
}

TEST(Supernet, HypergradientMatchesFiniteDifferencesAlongADirection) {
  models::SupernetConfig cfg;
  cfg.channels = 2;
  cfg.nodes = 3;
  cfg.ops = {CellOp::kConv3x3, CellOp::kSepConv3x3, CellOp::kAvgPool3x3, CellOp::kIdentity, CellOp::kZero};
  cfg.smooth = true;  // tanh: twice differentiable, as the implicit function theorem assumes
  auto net = std::make_shared<models::Supernet>(2, cfg);
  auto x = tiny_images(24, 1, 4, 5);
  auto y = (x.mean({1, 2, 3}) > 0).to(torch::kLong);
  auto tr = torch::arange(0, 16, torch::kLong), va = torch::arange(16, 24, torch::kLong);
  models::ClassificationProblem p(net, {{x, nullptr}, tr, y.index_select(0, tr)},
                                  {{x, nullptr}, va, y.index_select(0, va)}, /*weight_decay=*/0.1);
  torch::manual_seed(2);
  auto lambda = 0.3 * torch::randn({net->num_lambda()}, torch::kDouble);
  auto start = hypergrad::train_theta(p, net->init_theta(4, torch::kDouble), lambda, {"adam", 0.05, 0, 400});
  auto theta = hypergrad::minimize_newton(p, start, lambda, 30, 1e-10);
  ASSERT_LT(hypergrad::SecondOrder(p, theta, lambda).grad_theta().norm().item<double>(), 1e-10);
  hypergrad::SolverOptions o;
  o.kind = hypergrad::SolverKind::kConjugateGradient;
  o.cg_tolerance = 1e-12;
  o.cg_max_iterations = 2000;
  auto g = hypergrad::hypergradient(p, theta, lambda, o);
  auto dir = torch::randn({net->num_lambda()}, torch::kDouble);
  dir = dir / dir.norm();
  const double h = 1e-4;
  auto reopt = [&](const torch::Tensor& l) {
    return p.val_loss(hypergrad::minimize_newton(p, theta, l, 10, 1e-10), l).item<double>();
  };
  double fd = (reopt(lambda + h * dir) - reopt(lambda - h * dir)) / (2 * h);
  double ift = g.total.dot(dir).item<double>();
  EXPECT_NEAR(ift, fd, 1e-4 * std::max(std::abs(fd), g.total.norm().item<double>())) << "ift " << ift << " fd " << fd;
  EXPECT_GT(g.direct.norm().item<double>(), 0.0);  // α enters the validation forward pass
}

TEST(Supernet, WrongChannelCountIsNamed) {
  models::SupernetConfig cfg;
  cfg.in_channels = 3;
  models::Supernet net(2, cfg);
  auto x = tiny_images(2, 1, 6, 0);
  expect_setting_error([&] { net.logits(net.init_theta(0, torch::kDouble), net.default_lambda(torch::kDouble), {x, nullptr}); },
                     "in_channels", "expects 3-channel images");
}

TEST(Supernet, GumbelNoiseIsHeldFixedBetweenResamples) {
  models::SupernetConfig cfg;
  cfg.channels = 2;
  cfg.nodes = 2;
  cfg.weighting = "gumbel";
  models::Supernet net(2, cfg);
  net.resample_gumbel(1);
  auto theta = net.init_theta(0, torch::kDouble);
  auto lam = net.default_lambda(torch::kDouble);
  auto x = tiny_images(2, 1, 5, 2);
  auto a = net.logits(theta, lam, {x, nullptr});
  EXPECT_TRUE(torch::equal(a, net.logits(theta, lam, {x, nullptr})));
  net.resample_gumbel(2);
  EXPECT_FALSE(torch::equal(a, net.logits(theta, lam, {x, nullptr})));
}

}  // namespace
}  // namespace hcdc::test
