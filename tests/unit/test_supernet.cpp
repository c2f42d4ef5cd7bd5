// The image supernet: one-hot α is the discrete network; hypergradients on tiny images.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

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

// GDAS: a cell with 4 states (6 edges) over five operations, float64, fresh noise.
struct GdasCell {
  std::vector<CellOp> ops{CellOp::kZero, CellOp::kIdentity, CellOp::kConv1x1, CellOp::kConv3x3, CellOp::kAvgPool3x3};
  models::SupernetConfig cfg(const std::string& weighting) const {
    models::SupernetConfig c;
    c.channels = 3;
    c.nodes = 4;
    c.ops = ops;
    c.weighting = weighting;
    c.gumbel_temperature = 0.7;
    c.head_grid = 2;
    return c;
  }
};

// The operation each edge samples: argmax of α + g.
std::vector<CellOp> sampled_cell(const models::Supernet& net, const torch::Tensor& alpha, const std::vector<CellOp>& ops) {
  auto a = (alpha + net.gumbel_noise()).view({net.num_edges(), static_cast<std::int64_t>(ops.size())});
  auto idx = a.argmax(1);
  std::vector<CellOp> chosen;
  for (std::int64_t e = 0; e < net.num_edges(); ++e) chosen.push_back(ops[static_cast<std::size_t>(idx[e].item<std::int64_t>())]);
  return chosen;
}

TEST(Supernet, GdasForwardIsTheSampledDiscreteCellAndResamplesBySeed) {
  GdasCell g;
  models::Supernet net(3, g.cfg("gdas"));
  auto theta = net.init_theta(2, torch::kDouble);
  auto x = tiny_images(5, 1, 6, 4);
  torch::manual_seed(9);
  auto alpha = torch::randn({net.num_lambda()}, torch::kDouble);
  std::set<std::vector<CellOp>> seen;
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    net.resample_noise(seed);
    const auto chosen = sampled_cell(net, alpha, g.ops);
    seen.insert(chosen);
    auto want = net.discrete_logits(theta, chosen, {x, nullptr});
    // λ without a gradient: only the sampled operations are computed; with one: every operation,
    // weighted exactly 0 off the sample. Both are the sampled cell (1 ± 1 ulp on its weights).
    EXPECT_TRUE(torch::allclose(net.logits(theta, alpha, {x, nullptr}), want, 1e-13, 1e-13));
    EXPECT_TRUE(torch::allclose(net.logits(theta, alpha.clone().requires_grad_(true), {x, nullptr}), want, 1e-13, 1e-13));
  }
  EXPECT_GT(seen.size(), 1u) << "eight draws from one α all gave the same cell";
  net.resample_noise(3);
  auto once = net.gumbel_noise().clone();
  net.resample_noise(4);
  EXPECT_FALSE(torch::equal(once, net.gumbel_noise()));
  net.resample_noise(3);
  EXPECT_TRUE(torch::equal(once, net.gumbel_noise()));
  // The experiment's switch turns a linear (candidate) supernet into this sampler.
  models::Supernet candidate(3, g.cfg("linear"));
  ASSERT_TRUE(candidate.sample_architecture(0.7));
  candidate.resample_noise(3);
  EXPECT_TRUE(torch::equal(candidate.logits(theta, alpha, {x, nullptr}), net.logits(theta, alpha, {x, nullptr})));
}

// The straight-through gradient, against an independent reading of its definition: at α₀ the GDAS
// loss has the value of the sampled cell and the α-gradient of
//   F(α) = L(θ, onehot(α₀ + g) + s(α) − s(α₀)),   s(α) = softmax((α + g)/τ) per edge,
// evaluated with the *linear* supernet (which computes every operation its weights reach), by
// central differences; likewise the mixed derivative d/dα ⟨∇_θ L, v⟩ that hypergradients use.
TEST(Supernet, GdasGradientIsTheStraightThroughGradientByFiniteDifferences) {
  GdasCell g;
  // tanh in front of the convolutions: a sampled zero operation feeds exact zeros downstream,
  // where ReLU has a kink that central differences straddle and autograd does not.
  auto smooth = [&](const std::string& w) {
    auto c = g.cfg(w);
    c.smooth = true;
    return c;
  };
  models::Supernet gdas(3, smooth("gdas")), linear(3, smooth("linear"));
  gdas.resample_noise(5);
  auto theta = gdas.init_theta(2, torch::kDouble);
  auto x = tiny_images(5, 1, 6, 4);
  auto y = torch::tensor({0, 1, 2, 1, 0}, torch::kLong);
  torch::manual_seed(11);
  auto alpha0 = torch::randn({gdas.num_lambda()}, torch::kDouble);
  torch::manual_seed(12);
  auto v = torch::randn({gdas.num_theta()}, torch::kDouble);
  const auto E = gdas.num_edges(), O = static_cast<std::int64_t>(g.ops.size());
  auto soft = [&](const torch::Tensor& a) {
    return torch::softmax((a + gdas.gumbel_noise()).view({E, O}) / 0.7, 1).reshape({-1});
  };
  auto hard = torch::zeros({E, O}, torch::kDouble)
                  .scatter_(1, (alpha0 + gdas.gumbel_noise()).view({E, O}).argmax(1, true), 1.0)
                  .reshape({-1});
  auto loss = [&](const models::Supernet& net, const torch::Tensor& th, const torch::Tensor& lam) {
    return torch::nn::functional::cross_entropy(net.logits(th, lam, {x, nullptr}), y);
  };
  auto surrogate_weights = [&](const torch::Tensor& a) { return hard + soft(a) - soft(alpha0); };
  auto mixed = [&](const models::Supernet& net, const torch::Tensor& lam) {  // ⟨∇_θ L, v⟩
    auto th = theta.clone().requires_grad_(true);
    auto gth = torch::autograd::grad({loss(net, th, lam)}, {th}, {}, true, true)[0];
    return (gth * v).sum();
  };
  auto a = alpha0.clone().requires_grad_(true);
  auto grad_alpha = torch::autograd::grad({loss(gdas, theta, a)}, {a})[0];
  auto a2 = alpha0.clone().requires_grad_(true);
  auto grad_mixed = torch::autograd::grad({mixed(gdas, a2)}, {a2})[0];
  const double h = 1e-5;
  auto fd = torch::zeros_like(alpha0), fd_mixed = torch::zeros_like(alpha0);
  for (std::int64_t k = 0; k < alpha0.numel(); ++k) {
    auto up = alpha0.clone(), down = alpha0.clone();
    up[k] += h;
    down[k] -= h;
    torch::NoGradGuard ng;
    fd[k] = (loss(linear, theta, surrogate_weights(up)) - loss(linear, theta, surrogate_weights(down))) / (2 * h);
  }
  for (std::int64_t k = 0; k < alpha0.numel(); ++k) {
    auto up = alpha0.clone(), down = alpha0.clone();
    up[k] += h;
    down[k] -= h;
    fd_mixed[k] = (mixed(linear, surrogate_weights(up)) - mixed(linear, surrogate_weights(down))).detach() / (2 * h);
  }
  EXPECT_GT(grad_alpha.abs().max().item<double>(), 1e-4) << "a vanishing gradient would pass trivially";
  EXPECT_LT((grad_alpha - fd).abs().max().item<double>(), 1e-8 * std::max(1.0, fd.abs().max().item<double>()));
  EXPECT_GT(grad_mixed.abs().max().item<double>(), 1e-4);
  EXPECT_LT((grad_mixed - fd_mixed).abs().max().item<double>(), 1e-7 * std::max(1.0, fd_mixed.abs().max().item<double>()));
  // Not the soft mixture's gradient (what weighting "gumbel" would give).
  models::Supernet gumbel(3, smooth("gumbel"));
  gumbel.resample_noise(5);
  auto a3 = alpha0.clone().requires_grad_(true);
  auto grad_soft = torch::autograd::grad({loss(gumbel, theta, a3)}, {a3})[0];
  EXPECT_GT((grad_soft - grad_alpha).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace hcdc::test
