// The named convolutions against references written here node by node from a dense adjacency
// (no code shared with GraphOperators or message_passing.cpp), forward and gradients; the
// supernet's mixture, its one-hot candidates, and its hypergradient w.r.t. α against finite
// differences of re-optimised weights.
#include <gtest/gtest.h>

#include "hcdc/core/error.hpp"
#include "hcdc/core/registry.hpp"
#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/models/conv_supernet.hpp"
#include "ift_check.hpp"
#include "test_helpers.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

using models::Conv;

constexpr std::int64_t kIn = 4, kOut = 6, kHeads = 2;

struct DenseGraph {
  torch::Tensor a;  // n × n, A_ij = 1 for an edge j → i
  std::int64_t n;
};

DenseGraph dense(const data::Graph& g) {
  auto a = torch::zeros({g.num_nodes, g.num_nodes}, torch::kDouble);
  for (std::int64_t u = 0; u < g.num_nodes; ++u)
    for (auto k = g.indptr[u]; k < g.indptr[u + 1]; ++k) a[u][g.indices[k]] = 1.0;
  return {a, g.num_nodes};
}

torch::Tensor diag_pow(const torch::Tensor& d, double p) {
  return torch::diag(torch::where(d > 0, d.pow(p), torch::zeros_like(d)));
}

// θ's blocks in the order ConvLayer adds them (message_passing.hpp): reads consecutive slices.
struct Blocks {
  const torch::Tensor& theta;
  std::int64_t at = 0;
  torch::Tensor next(std::int64_t rows, std::int64_t cols = 0) {
    auto n = rows * (cols > 0 ? cols : 1);
    auto v = theta.narrow(0, at, n);
    at += n;
    return cols > 0 ? v.view({rows, cols}) : v;
  }
};

// The textbook layer, node by node where the definition is per node.
torch::Tensor reference(Conv c, const DenseGraph& g, const torch::Tensor& x, const torch::Tensor& theta) {
  Blocks b{theta};
  const auto eye = torch::eye(g.n, torch::kDouble);
  const auto at = g.a + eye;
  const auto gcn = diag_pow(at.sum(1), -0.5).mm(at).mm(diag_pow(at.sum(1), -0.5));
  switch (c) {
    case Conv::kGcn: {
      auto w = b.next(kIn, kOut);
      return gcn.mm(x).mm(w) + b.next(kOut);
    }
    case Conv::kSgc2:
    case Conv::kSgc3: {
      auto w = b.next(kIn, kOut);
      return torch::linalg_matrix_power(gcn, c == Conv::kSgc2 ? 2 : 3).mm(x).mm(w) + b.next(kOut);
    }
    case Conv::kSageMean:
    case Conv::kSageMax: {
      auto wr = b.next(kIn, kOut), wn = b.next(kIn, kOut);
      std::vector<torch::Tensor> agg;
      for (std::int64_t i = 0; i < g.n; ++i) {
        auto nb = g.a[i].nonzero().flatten();
        if (nb.numel() == 0) agg.push_back(torch::zeros({kIn}, torch::kDouble));
        else if (c == Conv::kSageMean) agg.push_back(x.index_select(0, nb).mean(0));
        else agg.push_back(std::get<0>(x.index_select(0, nb).max(0)));
      }
      return x.mm(wr) + torch::stack(agg).mm(wn) + b.next(kOut);
    }
    case Conv::kGat: {
      auto w = b.next(kIn, kOut), s = b.next(kHeads, kOut / kHeads), t = b.next(kHeads, kOut / kHeads);
      auto bias = b.next(kOut);
      auto z = x.mm(w);
      std::vector<torch::Tensor> rows;
      for (std::int64_t i = 0; i < g.n; ++i) {
        auto nb = torch::cat({g.a[i].nonzero().flatten(), torch::tensor({i})});
        std::vector<torch::Tensor> heads;
        for (std::int64_t h = 0; h < kHeads; ++h) {
          auto zh = z.narrow(1, h * (kOut / kHeads), kOut / kHeads);
          auto e = torch::leaky_relu(zh.index_select(0, nb).mv(s[h]) + zh[i].dot(t[h]), 0.2);
          auto a = torch::softmax(e, 0);
          heads.push_back((a.unsqueeze(1) * zh.index_select(0, nb)).sum(0));
        }
        rows.push_back(torch::cat(heads));
      }
      return torch::stack(rows) + bias;
    }
    case Conv::kGinEps:
    case Conv::kGin0: {
      auto w1 = b.next(kIn, kOut), b1 = b.next(kOut), w2 = b.next(kOut, kOut), b2 = b.next(kOut);
      auto eps = c == Conv::kGinEps ? b.next(1) : torch::zeros({1}, torch::kDouble);
      auto agg = (1 + eps) * x + g.a.mm(x);
      return torch::relu(agg.mm(w1) + b1).mm(w2) + b2;
    }
    case Conv::kCheb2:
    case Conv::kCheb3: {
      // L = I − D^-1/2 A D^-1/2, L̃ = 2L/2 − I.
      auto lap = eye - diag_pow(g.a.sum(1), -0.5).mm(g.a).mm(diag_pow(g.a.sum(1), -0.5));
      auto lt = lap - eye;
      std::vector<torch::Tensor> t{x, lt.mm(x)};
      if (c == Conv::kCheb3) t.push_back(2 * lt.mm(t[1]) - t[0]);
      torch::Tensor out;
      for (const auto& tk : t) {
        auto term = tk.mm(b.next(kIn, kOut));
        out = out.defined() ? out + term : term;
      }
      return out + b.next(kOut);
    }
  }
  throw std::logic_error("unhandled");
}

class MessagePassing : public ::testing::Test {
 protected:
  SmallGraph d = small_graph(30, 3, kIn, 5);
  DenseGraph g = dense(d.g);
};

TEST_F(MessagePassing, EveryConvolutionMatchesItsReferenceForwardAndBackward) {
  ASSERT_GT(g.a.sum().item<double>(), 0);
  ASSERT_TRUE(torch::equal(g.a, g.a.t())) << "the fixture graph should be undirected";
  for (const auto& name : models::conv_names()) {
    const Conv c = models::parse_conv(name);
    models::ParameterLayout layout;
    models::ConvLayer layer(c, kIn, kOut, kHeads, false, layout);
    // Non-zero biases and ε, so every block is exercised.
    auto theta0 = layout.glorot(3, torch::kDouble) + 0.01 * torch::arange(layout.size(), torch::kDouble).sin();
    auto probe = torch::randn({g.n, kOut}, torch::TensorOptions().dtype(torch::kDouble).requires_grad(false));
    auto t1 = theta0.clone().requires_grad_(true), x1 = d.x.clone().requires_grad_(true);
    auto t2 = theta0.clone().requires_grad_(true), x2 = d.x.clone().requires_grad_(true);
    auto out = layer.forward(layout, t1, x1, *d.ops);
    auto ref = reference(c, g, x2, t2);
    ASSERT_EQ(out.sizes(), ref.sizes()) << name;
    EXPECT_TRUE(torch::allclose(out, ref, 1e-10, 1e-12)) << name << " forward: max diff "
                                                         << (out - ref).abs().max().item<double>();
    (out * probe).sum().backward();
    (ref * probe).sum().backward();
    EXPECT_LT(rel_err(t1.grad(), t2.grad()), 1e-10) << name << ": gradient w.r.t. θ";
    EXPECT_LT(rel_err(x1.grad(), x2.grad()), 1e-10) << name << ": gradient w.r.t. the features";
    EXPECT_GT(t1.grad().abs().sum().item<double>(), 0) << name;
  }
}

TEST_F(MessagePassing, MaxAggregationAndAttentionOnADenseGraphMatchTheSparseOne) {
  auto from_dense = models::GraphOperators::from_dense(g.a);
  auto h = torch::randn({g.n, 3}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(models::neighbour_max(from_dense, h), models::neighbour_max(*d.ops, h)));
  auto z = torch::randn({g.n, 2, 3}, torch::kDouble), s = torch::randn({2, 3}, torch::kDouble),
       t = torch::randn({2, 3}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(models::graph_attention(from_dense, z, s, t), models::graph_attention(*d.ops, z, s, t),
                              1e-12, 1e-12));
  // An isolated node: max aggregation gives 0, attention only its own message.
  auto lone = models::GraphOperators::from_dense(torch::zeros({2, 2}, torch::kDouble));
  auto h2 = torch::tensor({{1.0, -2.0}, {3.0, 4.0}}, torch::kDouble);
  EXPECT_TRUE(torch::equal(models::neighbour_max(lone, h2), torch::zeros({2, 2}, torch::kDouble)));
  auto z2 = h2.view({2, 1, 2});
  EXPECT_TRUE(torch::allclose(models::graph_attention(lone, z2, torch::ones({1, 2}, torch::kDouble),
                                                      torch::ones({1, 2}, torch::kDouble)),
                              z2));
}

TEST_F(MessagePassing, SupernetMixesItsConvolutionsAndAOneHotAlphaIsThatCandidate) {
  models::ConvSupernetConfig cfg;
  cfg.convs = {Conv::kGcn, Conv::kSgc2, Conv::kGat};
  cfg.layers = 1;
  cfg.hidden = 8;
  models::ConvSupernet net(kIn, 3, cfg);
  auto theta = net.init_theta(1, torch::kDouble);
  auto mix = torch::tensor({0.5, 0.3, 0.2}, torch::kDouble);
  auto out = net.logits(theta, mix, {d.x, d.ops});
  torch::Tensor sum;
  for (int j = 0; j < 3; ++j) {
    auto one = torch::zeros({3}, torch::kDouble);
    one[j] = 1.0;
    auto part = net.logits(theta, one, {d.x, d.ops});
    sum = j == 0 ? mix[j] * part : sum + mix[j] * part;
  }
  // One layer: the output is linear in α.
  EXPECT_TRUE(torch::allclose(out, sum, 1e-12, 1e-12));

  // Two layers with a one-hot α: the named network — conv, ReLU, conv — and nothing of the others.
  cfg.layers = 2;
  cfg.convs = {Conv::kSageMean, Conv::kGcn};
  models::ConvSupernet two(kIn, 3, cfg);
  auto th = two.init_theta(2, torch::kDouble) + 0.01;
  models::ParameterLayout lay;
  models::ConvLayer s1(Conv::kSageMean, kIn, 8, 1, false, lay), g1(Conv::kGcn, kIn, 8, 1, false, lay);
  models::ConvLayer s2(Conv::kSageMean, 8, 3, 1, false, lay), g2(Conv::kGcn, 8, 3, 1, false, lay);
  auto expect = g2.forward(lay, th, torch::relu(g1.forward(lay, th, d.x, *d.ops)), *d.ops);
  EXPECT_TRUE(torch::allclose(two.logits(th, torch::tensor({0.0, 1.0}, torch::kDouble), {d.x, d.ops}), expect, 1e-12,
                              1e-12));
}

TEST_F(MessagePassing, SupernetHypergradientMatchesFiniteDifferences) {
  // Smooth convolutions only (GAT's LeakyReLU and max aggregation have kinks): tanh activations,
  // every α non-zero so every weight is used; Newton to a strict minimum, then the exact solve.
  models::ConvSupernetConfig cfg;
  cfg.convs = {Conv::kGcn, Conv::kGinEps, Conv::kCheb2};
  cfg.layers = 2;
  cfg.hidden = 2;
  cfg.smooth = true;
  auto sd = small_graph(30, 2, 3, 4);
  auto net = std::make_shared<models::ConvSupernet>(3, 2, cfg);
  models::ModelInput in{sd.x, sd.ops};
  models::ClassificationProblem p(net, {in, sd.train, sd.y.index_select(0, sd.train)},
                                  {in, sd.val, sd.y.index_select(0, sd.val)}, /*weight_decay=*/0.05);
  auto alpha = torch::tensor({0.4, 0.3, 0.2}, torch::kDouble);
  auto g = expect_ift_matches_finite_differences(p, net->init_theta(2, torch::kDouble), alpha);
  EXPECT_GT(g.direct.norm().item<double>(), 0.0);  // α enters L_val directly, too
}

TEST_F(MessagePassing, BadSettingsAreNamed) {
  models::ParameterLayout layout;
  try {
    models::ConvLayer(Conv::kGat, 4, 6, 4, false, layout);
    ADD_FAILURE() << "a head count that does not divide the width was accepted";
  } catch (const SettingError& e) {
    EXPECT_NE(std::string(e.what()).find("gat_heads"), std::string::npos) << e.what();
  }
  try {
    models::parse_conv("gatv2");
    ADD_FAILURE() << "an unknown convolution was accepted";
  } catch (const UnknownName& e) {
    EXPECT_NE(std::string(e.what()).find("known: gcn, sage-mean, sage-max, gat, gin-eps, gin-0, sgc-2, sgc-3, "
                                         "chebnet-2, chebnet-3"),
              std::string::npos)
        << e.what();
  }
  models::ConvSupernetConfig cfg;
  cfg.convs = {Conv::kGcn};
  cfg.hidden = 0;
  EXPECT_THROW(models::ConvSupernet(4, 3, cfg), SettingError);
  cfg.hidden = 4;
  models::ConvSupernet net(4, 3, cfg);
  EXPECT_THROW(net.logits(net.init_theta(0, torch::kDouble), torch::ones({1}, torch::kDouble), {d.x, nullptr}),
               SettingError);
}

}  // namespace
}  // namespace hcdc::test
