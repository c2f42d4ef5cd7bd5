// Message-passing candidates in the condensation experiment: the induced-subgraph proxy against
// its definition (brute force over the original edge list), the named space of convolutions,
// a whole experiment on them, and the settings it refuses.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "hcdc/condense/induced_subgraph.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/condense_command.hpp"
#include "hcdc/run/experiment.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/models/conv_supernet.hpp"
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
  // Every other training node (30 of 60): enough for edges among them at this degree.
  const std::int64_t ct = 30;
  auto train_rows = torch::arange(0, 2 * ct, 2, torch::kLong), val_rows = torch::tensor({1, 3, 20, 39}, torch::kLong);
  auto proxy = condense::induced_subgraph_proxy(task, train_rows, val_rows);
  std::vector<std::int64_t> nodes;
  for (std::int64_t r = 0; r < 2 * ct; r += 2) nodes.push_back(graph.splits.train[static_cast<std::size_t>(r)]);
  for (auto r : {1, 3, 20, 39}) nodes.push_back(graph.splits.val[static_cast<std::size_t>(r)]);
  const auto n = static_cast<std::int64_t>(nodes.size());
  // Brute force: an edge between chosen nodes a and b exactly when the CSR lists b among a's neighbours.
  auto brute = [&](std::int64_t n) {
    auto a_sub = torch::zeros({n, n}, torch::kFloat);
    for (std::int64_t a = 0; a < n; ++a)
      for (std::int64_t b = 0; b < n; ++b) {
        const auto u = nodes[static_cast<std::size_t>(a)], v = nodes[static_cast<std::size_t>(b)];
        for (auto k = graph.indptr[static_cast<std::size_t>(u)]; k < graph.indptr[static_cast<std::size_t>(u) + 1]; ++k)
          if (graph.indices[static_cast<std::size_t>(k)] == v) a_sub[a][b] = 1.0;
      }
    return a_sub;
  };
  auto dense = [](const torch::Tensor& t) { return t.is_sparse() ? t.to_dense() : t; };
  auto expect_all = brute(n), expect_train = brute(ct);
  ASSERT_GT(expect_all.sum().item<double>(), expect_train.sum().item<double>())
      << "the fixture should give S_val's nodes edges to the chosen nodes";
  ASSERT_GT(expect_train.sum().item<double>(), 0) << "the fixture should give S_train's nodes some edges";
  // Training: S_train's own induced subgraph; validation: the one S_train ∪ S_val induce.
  EXPECT_TRUE(torch::equal(dense(proxy.s_train.graph->op(models::GraphOp::kAdj)), expect_train));
  EXPECT_TRUE(torch::equal(dense(proxy.s_val.graph->op(models::GraphOp::kAdj)), expect_all));
  for (std::int64_t a = 0; a < n; ++a) {
    const auto u = nodes[static_cast<std::size_t>(a)];
    for (std::int64_t f = 0; f < 8; ++f) {
      const float want = graph.features[static_cast<std::size_t>(u * 8 + f)];
      EXPECT_EQ(proxy.s_val.x[a][f].item<float>(), want);
      if (a < ct) EXPECT_EQ(proxy.s_train.x[a][f].item<float>(), want);
    }
  }
  EXPECT_EQ(proxy.s_train.x.size(0), ct);
  EXPECT_TRUE(torch::equal(proxy.s_train.nodes, torch::arange(ct, torch::kLong)));
  EXPECT_TRUE(torch::equal(proxy.s_val.nodes, torch::arange(ct, ct + 4, torch::kLong)));
  for (std::int64_t a = 0; a < n; ++a) {
    const auto label = graph.labels[static_cast<std::size_t>(nodes[static_cast<std::size_t>(a)])];
    const auto& set = a < ct ? proxy.s_train : proxy.s_val;
    EXPECT_EQ(set.y[a < ct ? a : a - ct].item<std::int64_t>(), label);
  }
  // Learned S_val features replace the validation nodes' own, on the same structure.
  auto learned = torch::full({4, 8}, 7.0f);
  auto with = condense::induced_subgraph_proxy(task, train_rows, val_rows, learned);
  EXPECT_TRUE(torch::equal(with.s_val.x.narrow(0, ct, 4), learned));
  EXPECT_TRUE(torch::equal(with.s_val.x.narrow(0, 0, ct), proxy.s_train.x));
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
  // Trained with α fixed, a named candidate carries only its own convolution's weights.
  auto alone = search::with_fixed_lambda(cands[2]);
  EXPECT_EQ(alone.convs, (std::vector<std::string>{"gat"}));
  EXPECT_EQ(alone.lambda, (std::vector<double>{1}));
  auto full = search::make_model(cands[2], 8, 3), pruned = search::make_model(alone, 8, 3);
  EXPECT_LT(pruned->num_theta(), full->num_theta());
  models::ConvSupernetConfig gat_only;
  gat_only.convs = {models::Conv::kGat};
  gat_only.hidden = 16;
  gat_only.layers = 2;
  EXPECT_EQ(pruned->num_theta(), models::ConvSupernet(8, 3, gat_only).num_theta());
}

TEST_F(MessagePassingSearch, AnExperimentOnNamedConvolutionsRunsOnInducedSubgraphs) {
  auto p = job(R"([search]
kind = "named"
family = "conv-supernet"
filters = ["gcn", "sage-max", "gat", "gin-0"]
widths = [8]
depths = [2]
[condense]
methods = ["random", "herding", "hcdc"]
budgets = [0.1]
val_fraction = 0.5
seeds = [0]
[hcdc]
trajectories = 2
outer_iterations = 1
trajectory_steps = 10
lambda_every = 5
max_diverged_share = 1.0
)");
  ASSERT_EQ(run::run_job(run::parse_job_file(p)), 0);
  auto summary = run::read_summary(path("out/results.h5"));
  ASSERT_EQ(summary.size(), 3u);
  EXPECT_EQ(summary[2].method, "hcdc");
  EXPECT_EQ(summary[2].c_train, 24);
  EXPECT_EQ(summary[2].c_val, 12);
  EXPECT_GT(summary[2].solves, 0);
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
                     "condense.methods", "not yet: gcond");
  // `hcdc condense` refuses the same, naming its option.
  expect_input_error([&] {
    run::CondenseRequest req;
    req.method = "gcond-x";
    run::run_condense(run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = "
                                              "[\"gcn\", \"gin-0\"]\nwidths = [8]\ndepths = [2]\n")),
                      req);
  },
                     "--method", "not yet: gcond-x");
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
