// Message-passing candidates in the condensation experiment: the induced-subgraph proxy against
// its definition (brute force over the original edge list), the named space of convolutions,
// a whole experiment on them, and the settings it refuses.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "hcdc/condense/induced_subgraph.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/condense_command.hpp"
#include "hcdc/run/evaluate_command.hpp"
#include "hcdc/data/condensed_set.hpp"
#include "hcdc/io/results_file.hpp"
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

TEST_F(MessagePassingSearch, GcondSynthesisesAGraphTheCandidatesTrainOnAndFilesCarryIt) {
  // GCond and GCond-X condense node features with a graph; a coreset's file carries the subgraph
  // its nodes induce. All three then rank candidates, and train a GCN by GCond's protocol.
  auto p = job(R"([search]
kind = "named"
family = "conv-supernet"
filters = ["gcn", "sage-mean", "gin-0"]
widths = [8]
depths = [2]
[condense]
methods = ["random", "gcond", "gcond-x"]
budgets = [0.1]
val_fraction = 0.5
seeds = [0]
[matching]
iterations = 6
inner = 3
model_steps = 2
adjacency_every = 2
adjacency_steps = 1
class_weights = true
[transfer]
epochs = 20
runs = 2
)");
  ASSERT_EQ(run::run_job(run::parse_job_file(p)), 0);
  auto summary = run::read_summary(path("out/results.h5"));
  ASSERT_EQ(summary.size(), 3u);
  for (const auto& r : summary) {
    EXPECT_EQ(r.c_train, 24) << r.method;
    EXPECT_EQ(r.c_val, 12) << r.method;
    EXPECT_TRUE(std::isfinite(r.m.rho)) << r.method;
  }
  const std::int64_t m = 24 + 12;
  auto gcond = data::read_condensed_set(path("out/condensed/gcond-10.0pct-s0.h5"));
  EXPECT_EQ(gcond.sample_shape, (std::vector<std::int64_t>{8}));  // node features, not blocks
  ASSERT_EQ(gcond.adjacency.size(), static_cast<std::size_t>(m * m));
  auto a = torch::tensor(gcond.adjacency).view({m, m});
  EXPECT_TRUE(torch::allclose(a, a.t()));
  EXPECT_EQ(a.diagonal().abs().max().item<float>(), 0.0f);
  EXPECT_GT(a.narrow(0, 0, 24).narrow(1, 0, 24).min().item<float>() + 1e-6, 0.0f);  // sigmoid edges
  EXPECT_GT(a.narrow(0, 0, 24).narrow(1, 0, 24).sum().item<float>(), 0.0f);
  // S_train and S_val were condensed apart: no edges between them.
  EXPECT_EQ(a.narrow(0, 0, 24).narrow(1, 24, 12).abs().max().item<float>(), 0.0f);
  auto gx = data::read_condensed_set(path("out/condensed/gcond-x-10.0pct-s0.h5"));
  ASSERT_EQ(gx.adjacency.size(), static_cast<std::size_t>(m * m));
  EXPECT_EQ(torch::tensor(gx.adjacency).abs().max().item<float>(), 0.0f);  // GCond-X: no edges
  // A coreset's file: its nodes' own features and the subgraph they induce, by brute force over
  // the CSR (nodes found by their features, which the cSBM makes distinct).
  auto rnd = data::read_condensed_set(path("out/condensed/random-10.0pct-s0.h5"));
  ASSERT_EQ(rnd.adjacency.size(), static_cast<std::size_t>(m * m));
  std::vector<std::int64_t> nodes;
  for (std::int64_t i = 0; i < m; ++i) {
    const float* row = i < 24 ? &rnd.x_train[static_cast<std::size_t>(i * 8)] : &rnd.x_val[static_cast<std::size_t>((i - 24) * 8)];
    std::int64_t found = -1;
    for (std::int64_t u = 0; u < graph.num_nodes && found < 0; ++u) {
      float sum = 0;
      for (std::int64_t f = 0; f < 8; ++f) sum += std::abs(graph.features[static_cast<std::size_t>(u * 8 + f)]);
      bool same = true;
      for (std::int64_t f = 0; f < 8 && same; ++f)  // the job row-normalises features
        same = std::abs(graph.features[static_cast<std::size_t>(u * 8 + f)] / sum - row[f]) < 1e-6f;
      if (same) found = u;
    }
    ASSERT_GE(found, 0) << "condensed node " << i << " is not an original node";
    nodes.push_back(found);
  }
  std::int64_t edges = 0;
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < m; ++j) {
      float want = 0;
      const auto u = nodes[static_cast<std::size_t>(i)];
      for (auto k = graph.indptr[static_cast<std::size_t>(u)]; k < graph.indptr[static_cast<std::size_t>(u) + 1]; ++k)
        if (graph.indices[static_cast<std::size_t>(k)] == nodes[static_cast<std::size_t>(j)]) want = 1;
      EXPECT_EQ(rnd.adjacency[static_cast<std::size_t>(i * m + j)], want) << i << "," << j;
      edges += want > 0;
    }
  EXPECT_GT(edges, 0) << "the fixture should give the chosen nodes some edges";
  // `hcdc evaluate --proxy` ranks on the file's graph; --transfer trains on S_train alone.
  run::EvaluateRequest ev;
  ev.proxy = path("out/condensed/gcond-10.0pct-s0.h5");
  ASSERT_EQ(run::run_evaluate(run::parse_job_file(p), ev), 0);
  ev.transfer = true;
  ev.out = path("transfer.h5");
  ASSERT_EQ(run::run_evaluate(run::parse_job_file(p), ev), 0);
  auto tr = io::read_results(path("transfer.h5"));
  ASSERT_EQ(tr.rows.size(), 3u * 2u);  // 3 candidates × 2 runs
  for (const auto& r : tr.rows) {
    EXPECT_EQ(r.proxy, "transfer:gcond");
    EXPECT_GE(r.test_score, 0.0);
    EXPECT_LE(r.test_score, 1.0);
    EXPECT_GT(r.score, 0.0);
  }
  // The same file for a decoupled job, and a file without its graph: one error each, naming it.
  auto bare = gcond;
  bare.adjacency.clear();
  data::write_condensed_set(path("bare.h5"), bare);
  ev.proxy = path("bare.h5");
  ev.out = path("never.h5");
  expect_input_error([&] { run::run_evaluate(run::parse_job_file(p), ev); }, "adjacency", "has none");
  EXPECT_FALSE(std::filesystem::exists(path("never.h5")));
  expect_input_error([&] { run::run_evaluate(run::parse_job_file(job("[condense]\nbudgets = [0.1]\n")), ev); },
                     "train/x", "samples of shape [8]");
}

TEST_F(MessagePassingSearch, SettingsItCannotRunAreNamed) {
  expect_input_error([&] {
    run::run_job(run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = "
                                         "[\"gcn\", \"gin-0\"]\nwidths = [8]\ndepths = [2]\n[condense]\nmethods = "
                                         "[\"random\", \"dm\", \"hcdc\"]\nbudgets = [0.1]\n")));
  },
                     "condense.methods", "not: dm");
  // `hcdc condense` refuses HCDC for these families (it runs inside `hcdc run`), naming its option.
  expect_input_error([&] {
    run::CondenseRequest req;
    req.method = "hcdc";
    run::run_condense(run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = "
                                              "[\"gcn\", \"gin-0\"]\nwidths = [8]\ndepths = [2]\n")),
                      req);
  },
                     "--method", "not: hcdc");
  expect_input_error([&] {
    run::run_evaluate(run::parse_job_file(job("[condense]\nbudgets = [0.1]\n")), run::EvaluateRequest{"", "", "", 0, true, ""});
  },
                     "--transfer", "needs --proxy");
  expect_input_error([&] {
    run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = [\"gcn\", \"gatv2\"]\n"));
  },
                     "search.filters[1]", "unknown convolution 'gatv2' (known: gcn, sage-mean, sage-max, gat");
  expect_input_error([&] {
    run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = [\"gat\"]\nwidths = [12]\n"));
  },
                     "search.widths", "width 12 is not a multiple of GAT's 8 heads");
  expect_input_error([&] { run::parse_job_file(job("[matching]\ngcond_x_graph = \"learned\"\n")); },
                     "matching.gcond_x_graph", "\"untrained-generator\" or \"identity\"");
  expect_input_error([&] { run::parse_job_file(job("[search]\nfamily = \"conv-supernet\"\n")); }, "search.family",
                     "use kind = \"named\"");
  expect_input_error([&] {
    run::parse_job_file(job("[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\ndepths = [0]\n"));
  },
                     "search.depths", "integers >= 1");
}

}  // namespace
}  // namespace hcdc::test
