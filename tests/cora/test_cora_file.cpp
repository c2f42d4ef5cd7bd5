// The C++ reader on the Cora file written by the Python importer (ctest fixture `cora`).
#include <gtest/gtest.h>

#include <set>

#include "hcdc/data/graph.hpp"

namespace {

TEST(CoraFile, CxxReaderSeesThePublicSplitAndASymmetricGraph) {
  // Written by the ctest fixture `import_cora` (run the suite through ctest).
  const char* path = HCDC_CORA_H5_PATH;
  auto g = hcdc::data::read_graph(path);
  EXPECT_EQ(g.num_nodes, 2708);
  EXPECT_EQ(g.num_features, 1433);
  EXPECT_EQ(g.num_classes, 7);
  EXPECT_EQ(g.splits.train.size(), 140u);
  EXPECT_EQ(g.splits.val.size(), 500u);
  EXPECT_EQ(g.splits.test.size(), 1000u);
  std::set<std::pair<std::int64_t, std::int64_t>> e;
  for (std::int64_t u = 0; u < g.num_nodes; ++u)
    for (auto k = g.indptr[u]; k < g.indptr[u + 1]; ++k) e.emplace(u, g.indices[k]);
  for (auto& [u, v] : e) ASSERT_TRUE(e.count({v, u}));
  // Bag-of-words features are binary.
  for (float x : g.features) ASSERT_TRUE(x == 0.0f || x == 1.0f);
}

}  // namespace
