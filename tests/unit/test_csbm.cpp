#include <gtest/gtest.h>

#include <algorithm>
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
