// Named filters against their textbook formulas, computed here with dense matrices built
// directly from the edge list (no code shared with GraphOperators).
#include <gtest/gtest.h>

#include "hcdc/core/error.hpp"
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/models/named_filters.hpp"
#include "test_helpers.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

struct Dense {
  torch::Tensor a, deg;
};

Dense dense_adjacency(const data::Graph& g) {
  auto a = torch::zeros({g.num_nodes, g.num_nodes}, torch::kDouble);
  for (std::int64_t u = 0; u < g.num_nodes; ++u)
    for (auto k = g.indptr[u]; k < g.indptr[u + 1]; ++k) a[u][g.indices[k]] = 1.0;
  return {a, a.sum(1)};
}

torch::Tensor inv_sqrt_diag(const torch::Tensor& d) {
  return torch::diag(torch::where(d > 0, d.pow(-0.5), torch::zeros_like(d)));
}

class NamedFilters : public ::testing::Test {
 protected:
  SmallGraph d = small_graph(30, 3, 4, 2);
  Dense m = dense_adjacency(d.g);
  torch::Tensor eye = torch::eye(30, torch::kDouble);

  // One-layer model output and its weight blocks (W_k, b) in layout order.
  std::pair<torch::Tensor, torch::Tensor> run(const std::string& name, int layers = 1) {
    auto f = models::make_named_filter(name, 4, 3, layers, 5, torch::kDouble);
    auto theta = f.model->init_theta(7, torch::kDouble);
    theta = theta + 0.01 * torch::arange(theta.numel(), torch::kDouble);  // non-zero biases too
    return {f.model->logits(theta, f.lambda, {d.x, d.ops}), theta};
  }
  torch::Tensor w(const torch::Tensor& theta, int64_t offset, int64_t rows = 4, int64_t cols = 3) {
    return theta.narrow(0, offset, rows * cols).view({rows, cols});
  }
};

TEST_F(NamedFilters, Gcn) {
  auto [out, th] = run("gcn");
  auto at = m.a + eye;
  auto c = inv_sqrt_diag(at.sum(1)).mm(at).mm(inv_sqrt_diag(at.sum(1)));
  auto expect = c.mm(d.x).mm(w(th, 0)) + th.narrow(0, 12, 3);
  EXPECT_TRUE(torch::allclose(out, expect, 1e-10, 1e-12));
}

TEST_F(NamedFilters, SgcPowers) {
  auto at = m.a + eye;
  auto c = inv_sqrt_diag(at.sum(1)).mm(at).mm(inv_sqrt_diag(at.sum(1)));
  for (int k : {2, 3}) {
    auto [out, th] = run("sgc-" + std::to_string(k));
    auto expect = torch::linalg_matrix_power(c, k).mm(d.x).mm(w(th, 0)) + th.narrow(0, 12, 3);
    EXPECT_TRUE(torch::allclose(out, expect, 1e-10, 1e-12)) << k;
  }
}

TEST_F(NamedFilters, ChebNetWithSeparateWeights) {
  auto lap = eye - inv_sqrt_diag(m.deg).mm(m.a).mm(inv_sqrt_diag(m.deg));
  auto lt = lap - eye;  // 2L/λmax − I with λmax = 2
  auto [out, th] = run("chebnet-3");
  std::vector<torch::Tensor> t{eye, lt};
  t.push_back(2 * lt.mm(t[1]) - t[0]);
  t.push_back(2 * lt.mm(t[2]) - t[1]);
  auto expect = th.narrow(0, 48, 3).expand({30, 3}).clone();
  for (int k = 0; k <= 3; ++k) expect = expect + t[k].mm(d.x).mm(w(th, 12 * k));
  EXPECT_TRUE(torch::allclose(out, expect, 1e-10, 1e-12));
}

TEST_F(NamedFilters, GinZeroAndEps) {
  auto [out0, th0] = run("gin-0");
  EXPECT_TRUE(torch::allclose(out0, (m.a + eye).mm(d.x).mm(w(th0, 0)) + th0.narrow(0, 12, 3), 1e-10, 1e-12));
  auto [oute, the] = run("gin-eps");
  EXPECT_TRUE(torch::allclose(oute, (m.a + 1.1 * eye).mm(d.x).mm(w(the, 0)) + the.narrow(0, 12, 3), 1e-10, 1e-12));
}

TEST_F(NamedFilters, SageMean) {
  auto [out, th] = run("sage-mean");
  auto mean = torch::diag(torch::where(m.deg > 0, 1.0 / m.deg, torch::zeros_like(m.deg))).mm(m.a);
  auto expect = d.x.mm(w(th, 0)) + mean.mm(d.x).mm(w(th, 12)) + th.narrow(0, 24, 3);
  EXPECT_TRUE(torch::allclose(out, expect, 1e-10, 1e-12));
}

TEST_F(NamedFilters, TwoLayerGcnAppliesReluBetweenLayers) {
  auto f = models::make_named_filter("gcn", 4, 3, 2, 5, torch::kDouble);
  auto th = f.model->init_theta(3, torch::kDouble);
  auto at = m.a + eye;
  auto c = inv_sqrt_diag(at.sum(1)).mm(at).mm(inv_sqrt_diag(at.sum(1)));
  auto w1 = th.narrow(0, 0, 20).view({4, 5}), b1 = th.narrow(0, 20, 5);
  auto w2 = th.narrow(0, 25, 15).view({5, 3}), b2 = th.narrow(0, 40, 3);
  auto expect = c.mm(torch::relu(c.mm(d.x).mm(w1) + b1)).mm(w2) + b2;
  EXPECT_TRUE(torch::allclose(f.model->logits(th, f.lambda, {d.x, d.ops}), expect, 1e-10, 1e-12));
}

TEST_F(NamedFilters, SparseAndDenseOperatorsGiveTheSameOutputs) {
  auto dense = std::make_shared<models::GraphOperators>(models::GraphOperators::from_dense(m.a));
  for (const auto& name : models::named_filter_names()) {
    auto f = models::make_named_filter(name, 4, 3, 2, 5, torch::kDouble);
    auto th = f.model->init_theta(1, torch::kDouble);
    auto a = f.model->logits(th, f.lambda, {d.x, d.ops});
    auto b = f.model->logits(th, f.lambda, {d.x, dense});
    EXPECT_TRUE(torch::allclose(a, b, 1e-10, 1e-12)) << name;
  }
}

// The decoupled family's blocks of chosen rows (what a dataset load keeps of a large graph) are
// the dense filters' hops at those rows, and the rows of the whole-graph blocks bit for bit.
TEST_F(NamedFilters, PropagatedRowsAreTheDenseHopsOfThoseRows) {
  auto at = m.a + eye;
  auto gcn = inv_sqrt_diag(at.sum(1)).mm(at).mm(inv_sqrt_diag(at.sum(1)));
  auto lt = -inv_sqrt_diag(m.deg).mm(m.a).mm(inv_sqrt_diag(m.deg));  // L̃ = L − I with λmax = 2
  const std::vector<torch::Tensor> rows{longs({3, 0, 17, 17, 29}), torch::arange(30, torch::kLong),
                                        torch::empty({0}, torch::kLong)};
  const int order = 4;
  for (auto basis : {models::FilterBasis::kMonomial, models::FilterBasis::kChebyshev}) {
    std::vector<torch::Tensor> hop{d.x};
    for (int k = 1; k <= order; ++k) {
      if (basis == models::FilterBasis::kMonomial) hop.push_back(gcn.mm(hop.back()));
      else hop.push_back(k == 1 ? lt.mm(d.x) : 2 * lt.mm(hop[k - 1]) - hop[k - 2]);
    }
    auto got = models::propagate_rows(*d.ops, d.x, basis, order, rows);
    auto whole = models::propagate_blocks(*d.ops, d.x, basis, order);
    ASSERT_EQ(got.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(got[i].sizes(), (std::vector<std::int64_t>{rows[i].size(0), order + 1, 4}));
      for (int k = 0; k <= order; ++k)
        EXPECT_TRUE(torch::allclose(got[i].select(1, k), hop[k].index_select(0, rows[i]), 1e-10, 1e-12))
            << static_cast<int>(basis) << " row list " << i << " hop " << k;
      EXPECT_TRUE(torch::equal(got[i], whole.index_select(0, rows[i])));
    }
  }
  EXPECT_THROW(models::propagate_rows(*d.ops, d.x, models::FilterBasis::kGin, 1, rows), SettingError);
}

// A load that needs one operator builds that one only (a large graph's operators are the bulk of
// its memory), the same as the full set's, and refuses the others.
TEST_F(NamedFilters, OneOperatorIsTheFullSetsOperatorAndOnlyThat) {
  using models::GraphOp;
  const std::vector<GraphOp> all{GraphOp::kGcn, GraphOp::kSymAdj, GraphOp::kAdj, GraphOp::kMeanAdj};
  for (auto which : all) {
    auto one = models::GraphOperators::one_from_csr(30, d.g.indptr, d.g.indices, {}, torch::kDouble, which);
    EXPECT_TRUE(torch::equal(one.op(which).to_dense(), d.ops->op(which).to_dense())) << static_cast<int>(which);
    EXPECT_TRUE(torch::equal(one.apply(which, d.x), d.ops->apply(which, d.x))) << static_cast<int>(which);
    for (auto other : all) {
      if (other == which) continue;
      EXPECT_FALSE(one.op(other).defined());
      EXPECT_THROW(one.apply(other, d.x), std::logic_error);
    }
    EXPECT_FALSE(one.targets().defined());
    EXPECT_FALSE(one.sources().defined());
  }
  EXPECT_EQ(models::propagation_operator(models::FilterBasis::kMonomial), GraphOp::kGcn);
  EXPECT_EQ(models::propagation_operator(models::FilterBasis::kChebyshev), GraphOp::kSymAdj);
}

TEST_F(NamedFilters, UnknownNamesAndMismatchedDataAreNamed) {
  expect_setting_error([] { models::make_named_filter("gat", 4, 3, 2, 5, torch::kDouble); }, "filter",
                     "unknown filter 'gat'");
  auto f = models::make_named_filter("gcn", 5, 3, 2, 5, torch::kDouble);
  expect_setting_error([&] { f.model->logits(f.model->init_theta(0, torch::kDouble), f.lambda, {d.x, d.ops}); },
                       "family", "expects 5 node features, the data has 4");
  expect_setting_error([&] { f.model->logits(f.model->init_theta(0, torch::kDouble), f.lambda, {d.x, nullptr}); },
                       "family", "no graph");
}

}  // namespace
}  // namespace hcdc::test
