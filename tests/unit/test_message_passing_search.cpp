// Message-passing candidates in the condensation experiment: the induced-subgraph proxy against
// its definition (brute force over the original edge list), the named space of convolutions,
// a whole experiment on them, and the settings it refuses.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "hcdc/condense/induced_subgraph.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/experiment.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/search/search_space.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

class MessagePassingSearch : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    data::CsbmOptions o;
    o.num_nodes = 240;
    o.num_classes = 3;
    o.num_features = 8;
    o.avg_degree = 12;  // dense enough that chosen nodes share edges
    o.train_per_class = 20;
    o.num_val = 40;
    o.num_test = 40;
    o.seed = 4;
    graph = data::generate_csbm(o);
    data::write_graph(path("g.h5"), graph, {4, "test", "csbm"});
  }
  std::string job(const std::string& extra) {
    std::string p = path("job.toml");
    std::ofstream(p) << "[job]\nname = \"mp\"\nthreads = 1\noutput_dir = \"" + path("out") + "\"\n" +
                            "[dataset]\nkind = \"file\"\npath = \"" + path("g.h5") + "\"\n" + R"(
[evaluate]
truth_seeds = 1
noise_ceiling = false
truth_epochs = 30
proxy_epochs = 30
)" + extra;
    return p;
  }
  data::Graph graph;
};

TEST_F(MessagePassingSearch, InducedSubgraphIsTheDefinition) {
  auto task = run::load_graph_task(path("g.h5"), "monomial", 2, false, /*message_passing=*/true);
  auto train_rows = torch::tensor({0, 5, 7, 11, 30, 42}, torch::kLong), val_rows = torch::tensor({1, 3, 20, 39}, torch::kLong);
  auto proxy = condense::induced_subgraph_proxy(task, train_rows, val_rows);
  std::vector<std::int64_t> nodes;
  for (auto r : {0, 5, 7, 11, 30, 42}) nodes.push_back(graph.splits.train[static_cast<std::size_t>(r)]);
  for (auto r : {1, 3, 20, 39}) nodes.push_back(graph.splits.val[static_cast<std::size_t>(r)]);
  const auto n = static_cast<std::int64_t>(nodes.size());
  // Brute force: an edge between chosen nodes a and b exactly when the CSR lists b among a's neighbours.
  auto expect = torch::zeros({n, n}, torch::kFloat);
  double edges = 0;
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t b = 0; b < n; ++b) {
      const auto u = nodes[static_cast<std::size_t>(a)], v = nodes[static_cast<std::size_t>(b)];
      for (auto k = graph.indptr[static_cast<std::size_t>(u)]; k < graph.indptr[static_cast<std::size_t>(u) + 1]; ++k)
        if (graph.indices[static_cast<std::size_t>(k)] == v) {
          expect[a][b] = 1.0;
          edges += 1;
        }
    }
  ASSERT_GT(edges, 0) << "the fixture should give the chosen nodes some edges";
  const auto& got = proxy.s_train.graph->op(models::GraphOp::kAdj);
  EXPECT_TRUE(torch::equal(got.is_sparse() ? got.to_dense() : got, expect));
  EXPECT_EQ(proxy.s_train.graph, proxy.s_val.graph);  // one graph for both
  for (std::int64_t a = 0; a < n; ++a) {
    const auto u = nodes[static_cast<std::size_t>(a)];
    for (std::int64_t f = 0; f < 8; ++f)
      EXPECT_EQ(proxy.s_train.x[a][f].item<float>(), graph.features[static_cast<std::size_t>(u * 8 + f)]);
  }
  EXPECT_TRUE(torch::equal(proxy.s_train.nodes, torch::arange(6, torch::kLong)));
  EXPECT_TRUE(torch::equal(proxy.s_val.nodes, torch::arange(6, 10, torch::kLong)));
  for (std::int64_t a = 0; a < n; ++a) {
    const auto label = graph.labels[static_cast<std::size_t>(nodes[static_cast<std::size_t>(a)])];
    const auto& set = a < 6 ? proxy.s_train : proxy.s_val;
    EXPECT_EQ(set.y[a < 6 ? a : a - 6].item<std::int64_t>(), label);
  }
}

TEST_F(MessagePassingSearch, NamedConvolutionsAreOneHotAlphaCandidates) {
  search::SearchSpaceSpec s;
  s.kind = "named";
  s.family = "conv-supernet";
  s.filters = {"gcn", "gat", "sgc-2"};
  s.widths = {16};
  s.depths = {2, 3};
  auto cands = search::make_candidates(s);
  ASSERT_EQ(cands.size(), 6u);
  EXPECT_EQ(cands[2].name, "gat-w16-d2");
  EXPECT_EQ(cands[2].lambda, (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(cands[2].convs, s.filters);
  EXPECT_EQ(cands[3].layers, 3);
}

TEST_F(MessagePassingSearch, AnExperimentOnNamedConvolutionsRunsOnInducedSubgraphs) {
  auto p = job(R"([search]
kind = "named"
family = "conv-supernet"
filters = ["gcn", "sage-max", "gat", "gin-0"]
widths = [8]
depths = [2]
[condense]
methods = ["random", "herding"]
budgets = [0.1]
val_fraction = 0.5
seeds = [0]
)");
  ASSERT_EQ(run::run_job(run::parse_job_file(p)), 0);
  auto summary = run::read_summary(path("out/results.h5"));
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].c_train, 24);
  EXPECT_EQ(summary[0].c_val, 12);
  for (const auto& r : summary) {
    EXPECT_TRUE(std::isfinite(r.m.rho)) << r.method;
    EXPECT_TRUE(std::isfinite(r.m.perf)) << r.method;
  }
}

TEST_F(MessagePassingSearch, SettingsItCannotRunAreNamed) {
  expect_input_error([&] {
    run::run_job(run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = "
                                         "[\"gcn\", \"gin-0\"]\nwidths = [8]\ndepths = [2]\n[condense]\nmethods = "
                                         "[\"random\", \"gcond\", \"hcdc\"]\nbudgets = [0.1]\n")));
  },
                     "condense.methods", "not yet: gcond, hcdc");
  expect_input_error([&] {
    run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = [\"gcn\", \"gatv2\"]\n"));
  },
                     "search.filters[1]", "unknown convolution 'gatv2' (known: gcn, sage-mean, sage-max, gat");
  expect_input_error([&] {
    run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = [\"gat\"]\nwidths = [12]\n"));
  },
                     "search.widths", "width 12 is not a multiple of GAT's 8 heads");
  expect_input_error([&] { run::parse_job_file(job("[search]\nfamily = \"conv-supernet\"\n")); }, "search.family",
                     "use kind = \"named\"");
  expect_input_error([&] {
    run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\ndepths = [0]\n"));
  },
                     "search.depths", "integers >= 1");
}

}  // namespace
}  // namespace hcdc::test
