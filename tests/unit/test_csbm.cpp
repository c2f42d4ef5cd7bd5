#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "hcdc/core/error.hpp"
#include "hcdc/data/csbm.hpp"

namespace {

hcdc::data::CsbmOptions small() {
  hcdc::data::CsbmOptions o;
  o.num_nodes = 600;
  o.num_classes = 3;
  o.num_features = 8;
  o.avg_degree = 6;
  o.homophily = 0.9;
  o.train_per_class = 10;
  o.num_val = 100;
  o.num_test = 200;
  o.seed = 7;
  return o;
}

TEST(Csbm, SameSeedSameGraphOtherSeedOtherGraph) {
  auto a = hcdc::data::generate_csbm(small());
  auto b = hcdc::data::generate_csbm(small());
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.features, b.features);
  auto o = small();
  o.seed = 8;
  auto c = hcdc::data::generate_csbm(o);
  EXPECT_NE(a.indices, c.indices);
}

TEST(Csbm, SymmetricNoSelfLoopsNoDuplicatesAndHomophilous) {
  auto g = hcdc::data::generate_csbm(small());
  std::set<std::pair<std::int64_t, std::int64_t>> edges;
  std::int64_t same = 0;
  for (std::int64_t u = 0; u < g.num_nodes; ++u)
    for (auto k = g.indptr[u]; k < g.indptr[u + 1]; ++k) {
      auto v = g.indices[k];
      EXPECT_NE(u, v);
      EXPECT_TRUE(edges.emplace(u, v).second) << "duplicate " << u << "-" << v;
      same += g.labels[u] == g.labels[v];
    }
  for (auto& [u, v] : edges) EXPECT_TRUE(edges.count({v, u})) << u << "-" << v << " has no reverse";
  double h = static_cast<double>(same) / static_cast<double>(edges.size());
  EXPECT_NEAR(h, 0.9, 0.05);
  double deg = static_cast<double>(edges.size()) / static_cast<double>(g.num_nodes);
  EXPECT_NEAR(deg, 6.0, 0.6);  // a few draws are lost to self-loops and duplicates
}

TEST(Csbm, SplitsHaveRequestedSizesAndTrainIsBalanced) {
  auto g = hcdc::data::generate_csbm(small());
  EXPECT_EQ(g.splits.train.size(), 30u);
  EXPECT_EQ(g.splits.val.size(), 100u);
  EXPECT_EQ(g.splits.test.size(), 200u);
  std::vector<int> per_class(3, 0);
  for (auto i : g.splits.train) ++per_class[g.labels[i]];
  EXPECT_EQ(per_class, (std::vector<int>{10, 10, 10}));
}

TEST(Csbm, RejectsSplitsLargerThanTheGraph) {
  auto o = small();
  o.num_test = 1000;
  EXPECT_THROW(hcdc::data::generate_csbm(o), hcdc::InputError);
}

}  // namespace

namespace {

std::vector<std::int64_t> degrees(const hcdc::data::Graph& g) {
  std::vector<std::int64_t> d(static_cast<std::size_t>(g.num_nodes));
  for (std::int64_t i = 0; i < g.num_nodes; ++i) d[i] = g.indptr[i + 1] - g.indptr[i];
  return d;
}

double intra_class_share(const hcdc::data::Graph& g) {
  std::int64_t same = 0;
  for (std::int64_t i = 0; i < g.num_nodes; ++i)
    for (auto k = g.indptr[i]; k < g.indptr[i + 1]; ++k) same += g.labels[i] == g.labels[g.indices[k]];
  return static_cast<double>(same) / static_cast<double>(g.indices.size());
}

hcdc::data::CsbmOptions large(double exponent) {
  auto o = small();
  o.num_nodes = 20000;
  o.num_classes = 4;
  o.num_features = 2;
  o.avg_degree = 10;
  o.homophily = 0.7;
  o.degree_exponent = exponent;
  return o;
}

}  // namespace

// Degree correction with exponent γ: expected degrees ∝ Pareto weights with P(w > x) = x^-(γ-1),
// so the degree CCDF falls as k^-(γ-1) in its tail. The slope of log P(deg ≥ k) against log k,
// fitted over k in [20, 200] (where Poisson noise around the expected degree is small and the
// class sizes do not cap degrees yet), must be -(γ-1) = -1.5 to within 0.25; the uniform
// generator has no such tail at all.
TEST(Csbm, DegreeCorrectionGivesAPowerLawTail) {
  const double gamma = 2.5;
  auto g = hcdc::data::generate_csbm(large(gamma));
  auto d = degrees(g);
  std::vector<double> lx, ly;
  for (double k = 20; k <= 200; k *= 1.25) {
    double ccdf = static_cast<double>(std::count_if(d.begin(), d.end(), [&](auto x) { return x >= k; })) /
                  static_cast<double>(d.size());
    ASSERT_GT(ccdf, 0) << "no node of degree >= " << k;
    lx.push_back(std::log(k));
    ly.push_back(std::log(ccdf));
  }
  const double mx = std::accumulate(lx.begin(), lx.end(), 0.0) / lx.size();
  const double my = std::accumulate(ly.begin(), ly.end(), 0.0) / ly.size();
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < lx.size(); ++i) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) * (lx[i] - mx);
  }
  EXPECT_NEAR(sxy / sxx, -(gamma - 1), 0.25);
  // The edge count and the homophily are kept (repeats between hubs merge a few edges).
  EXPECT_NEAR(static_cast<double>(g.indices.size()) / g.num_nodes, 10.0, 1.0);
  EXPECT_NEAR(intra_class_share(g), 0.7, 0.03);

  auto flat = degrees(hcdc::data::generate_csbm(large(0)));
  EXPECT_LT(*std::max_element(flat.begin(), flat.end()), 40);  // Poisson(10): no hubs
  EXPECT_GT(*std::max_element(d.begin(), d.end()), 400);       // hubs
}

TEST(Csbm, NumTrainDrawsThatManyNodesRegardlessOfClass) {
  auto o = small();
  o.num_train = 250;
  auto g = hcdc::data::generate_csbm(o);
  EXPECT_EQ(g.splits.train.size(), 250u);
  EXPECT_EQ(g.splits.val.size(), 100u);
  EXPECT_EQ(g.splits.test.size(), 200u);
  std::set<std::int64_t> all(g.splits.train.begin(), g.splits.train.end());
  all.insert(g.splits.val.begin(), g.splits.val.end());
  all.insert(g.splits.test.begin(), g.splits.test.end());
  EXPECT_EQ(all.size(), 550u);
  o.num_train = 400;  // 400 + 100 + 200 > 600
  EXPECT_THROW(hcdc::data::generate_csbm(o), hcdc::InputError);
}

TEST(Csbm, PresetsHaveTheRealGraphsShapesAndBadSettingsAreRefused) {
  auto a = hcdc::data::csbm_preset("arxiv");
  EXPECT_EQ(a.num_nodes, 169343);
  EXPECT_EQ(a.num_classes, 40);
  EXPECT_EQ(a.num_features, 128);
  EXPECT_EQ(a.num_train + a.num_val + a.num_test, 169343);
  EXPECT_NEAR(a.avg_degree * a.num_nodes / 2, 1.17e6, 0.01e6);
  auto m = hcdc::data::csbm_preset("1m");
  EXPECT_EQ(m.num_nodes, 1000000);
  EXPECT_NEAR(m.avg_degree * m.num_nodes / 2, 1e7, 1);
  EXPECT_LE(m.num_train + m.num_val + m.num_test, m.num_nodes);
  try {
    hcdc::data::csbm_preset("reddit");
    FAIL() << "unknown preset accepted";
  } catch (const hcdc::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("arxiv, 1m"), std::string::npos) << e.what();
  }
  auto o = small();
  o.degree_exponent = 1.5;  // infinite mean degree
  EXPECT_THROW(hcdc::data::generate_csbm(o), hcdc::InputError);
}
