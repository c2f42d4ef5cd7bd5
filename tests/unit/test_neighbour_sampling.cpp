// Neighbour-sampled training for message-passing candidates: the sampler against a brute-force
// breadth-first reading of the graph, its draws against the uniform law they claim, sampled
// training with every neighbour and one batch against full-batch training (SAGE-mean: a seed's
// output depends only on in-edges the sampler keeps), the per-hop fan-outs of each convolution,
// and the settings a job may not give.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "hcdc/data/csbm.hpp"
#include "hcdc/models/graph_operators.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/candidate_training.hpp"
#include "hcdc/search/neighbour_sampling.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

// A symmetric random graph as adjacency sets, and its CSR operators.
struct SmallGraph {
  std::int64_t n = 0;
  std::vector<std::set<std::int64_t>> nbrs;
  models::GraphOperators ops;
};

SmallGraph random_graph(std::int64_t n, double p, std::uint64_t seed) {
  SmallGraph g;
  g.n = n;
  g.nbrs.resize(static_cast<std::size_t>(n));
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution edge(p);
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t b = a + 1; b < n; ++b)
      if (edge(rng)) {
        g.nbrs[static_cast<std::size_t>(a)].insert(b);
        g.nbrs[static_cast<std::size_t>(b)].insert(a);
      }
  std::vector<std::int64_t> indptr{0}, indices;
  for (const auto& s : g.nbrs) {
    indices.insert(indices.end(), s.begin(), s.end());
    indptr.push_back(static_cast<std::int64_t>(indices.size()));
  }
  g.ops = models::GraphOperators::from_csr(n, indptr, indices, {}, torch::kDouble);
  return g;
}

// The sampled edges as (target, source) pairs of original ids.
std::set<std::pair<std::int64_t, std::int64_t>> edges_of(const search::SampledBatch& b) {
  std::set<std::pair<std::int64_t, std::int64_t>> out;
  auto ids = b.nodes.accessor<std::int64_t, 1>();
  auto dst = b.graph->targets().accessor<std::int64_t, 1>(), src = b.graph->sources().accessor<std::int64_t, 1>();
  for (std::int64_t k = 0; k < dst.size(0); ++k) out.insert({ids[dst[k]], ids[src[k]]});
  return out;
}

TEST(NeighbourSampling, EveryNeighbourWithinTheHopsIsTheBreadthFirstNeighbourhood) {
  auto g = random_graph(60, 0.06, 3);
  const std::vector<std::int64_t> seeds{7, 41, 12};
  search::NeighbourSampler sampler(g.ops);
  std::mt19937_64 rng(1);
  auto b = sampler.sample(seeds, {-1, -1}, rng, torch::kDouble);
  // Brute force: hop 0 = the seeds; hop h = neighbours of hop h−1 not seen before; the edges are
  // every (u ← v) with u at hop 0 or 1 and v a neighbour of u.
  std::set<std::int64_t> seen(seeds.begin(), seeds.end());
  std::vector<std::int64_t> frontier = seeds;
  std::set<std::pair<std::int64_t, std::int64_t>> expect;
  for (int hop = 0; hop < 2; ++hop) {
    std::vector<std::int64_t> next;
    for (auto u : frontier)
      for (auto v : g.nbrs[static_cast<std::size_t>(u)]) {
        expect.insert({u, v});
        if (seen.insert(v).second) next.push_back(v);
      }
    frontier = next;
  }
  auto ids = b.nodes.accessor<std::int64_t, 1>();
  ASSERT_EQ(b.nodes.size(0), static_cast<std::int64_t>(seen.size()));
  for (std::size_t i = 0; i < seeds.size(); ++i) EXPECT_EQ(ids[static_cast<std::int64_t>(i)], seeds[i]) << "seeds first, in order";
  EXPECT_EQ(std::set<std::int64_t>(ids.data(), ids.data() + b.nodes.size(0)), seen);
  ASSERT_GT(expect.size(), 20u) << "the fixture should reach well past the seeds";
  EXPECT_EQ(edges_of(b), expect);
  EXPECT_EQ(b.graph->num_nodes(), b.nodes.size(0));
}

TEST(NeighbourSampling, AFanoutDrawsThatManyDistinctNeighboursUniformly) {
  // Node 0 has ten neighbours 1..10 (and nothing else has edges): each draw of 3 must be 3
  // distinct ones, and over many draws each neighbour is drawn 3/10 of the time.
  std::vector<std::int64_t> indptr{0, 10}, indices{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (int v = 1; v <= 10; ++v) {
    indices.push_back(0);
    indptr.push_back(static_cast<std::int64_t>(indices.size()));
  }
  auto ops = models::GraphOperators::from_csr(11, indptr, indices, {}, torch::kFloat);
  search::NeighbourSampler sampler(ops);
  std::mt19937_64 rng(9);
  std::map<std::int64_t, int> drawn;
  const int draws = 6000;
  for (int d = 0; d < draws; ++d) {
    auto e = edges_of(sampler.sample({0}, {3}, rng, torch::kFloat));
    ASSERT_EQ(e.size(), 3u);
    for (const auto& [u, v] : e) {
      ASSERT_EQ(u, 0);
      ASSERT_TRUE(v >= 1 && v <= 10);
      ++drawn[v];
    }
  }
  const double mean = draws * 0.3, sd = std::sqrt(draws * 0.3 * 0.7);
  for (int v = 1; v <= 10; ++v) EXPECT_NEAR(drawn[v], mean, 5 * sd) << "neighbour " << v;
  // The same generator state, the same batch; past the degree, or −1: every neighbour.
  std::mt19937_64 a(4), b(4);
  auto x = sampler.sample({0, 5}, {2, 1}, a, torch::kFloat), x2 = sampler.sample({0, 5}, {2, 1}, b, torch::kFloat);
  EXPECT_TRUE(torch::equal(x.nodes, x2.nodes));
  EXPECT_EQ(edges_of(x), edges_of(x2));
  EXPECT_EQ(edges_of(sampler.sample({0}, {50}, a, torch::kFloat)).size(), 10u);
  EXPECT_EQ(edges_of(sampler.sample({0}, {-1}, a, torch::kFloat)).size(), 10u);
}

search::LabelledBlocks graph_split(const torch::Tensor& x, const std::shared_ptr<const models::GraphOperators>& g,
                                   const torch::Tensor& y, std::vector<std::int64_t> nodes) {
  auto i = torch::tensor(nodes, torch::kLong);
  return search::LabelledBlocks{x, y.index_select(0, i), g, i};
}

TEST(SampledTraining, EveryNeighbourInOneBatchIsFullBatchTrainingForSageMean) {
  auto g = random_graph(80, 0.05, 11);
  auto ops = std::make_shared<models::GraphOperators>(g.ops);
  torch::manual_seed(2);
  auto x = torch::randn({80, 6}, torch::kDouble);
  auto y = torch::randint(0, 3, {80}, torch::kLong);
  std::vector<std::int64_t> tr, va, te;
  for (std::int64_t i = 0; i < 80; ++i) (i % 4 == 0 ? va : i % 4 == 1 ? te : tr).push_back(i);
  auto train = graph_split(x, ops, y, tr), val = graph_split(x, ops, y, va), test = graph_split(x, ops, y, te);
  search::Candidate c;
  c.name = "sage";
  c.family = "conv-supernet";
  c.convs = {"sage-mean"};
  c.lambda = {1};
  c.hidden = 8;
  c.layers = 2;
  search::TrainSettings full{25, 0.02, 5e-4};
  search::TrainSettings sampled = full;
  sampled.fanouts = {-1, -1};
  sampled.batch_size = 1000;  // all 40 training nodes in one batch: one step an epoch, as full batch
  auto a = search::train_and_score(c, train, val, &test, 3, 5, full);
  auto b = search::train_and_score(c, train, val, &test, 3, 5, sampled);
  EXPECT_NEAR(a.val_loss, b.val_loss, 1e-9 * std::abs(a.val_loss));
  EXPECT_EQ(a.val_score, b.val_score);
  EXPECT_EQ(a.test_score, b.test_score);
  // Real sampling is another trajectory (and not a no-op): smaller batches, fewer neighbours.
  sampled.fanouts = {2, 2};
  sampled.batch_size = 8;
  auto s = search::train_and_score(c, train, val, &test, 3, 5, sampled);
  EXPECT_GT(std::abs(s.val_loss - a.val_loss), 1e-6);
  EXPECT_TRUE(std::isfinite(s.val_loss));
}

TEST(SampledTraining, EachPropagationOfALayerIsAHop) {
  search::Candidate c;
  c.family = "conv-supernet";
  c.layers = 2;
  c.convs = {"gcn", "sgc-3", "chebnet-2"};
  c.lambda = {0, 1, 0};
  EXPECT_EQ(search::hop_fanouts(c, {10, 5}), (std::vector<int>{10, 10, 10, 5, 5, 5}));
  c.lambda = {0, 0, 1};
  EXPECT_EQ(search::hop_fanouts(c, {10, 5}), (std::vector<int>{10, 5}));
  c.lambda = {1, 0, 0};
  EXPECT_EQ(search::hop_fanouts(c, {-1, 5}), (std::vector<int>{-1, 5}));
  search::Candidate f;
  f.family = "coupled-filter";
  f.layers = 2;
  f.lambda = {0.2, 0.5, 0.3};  // order 2: Â² in every layer
  EXPECT_EQ(search::hop_fanouts(f, {10, 5}), (std::vector<int>{10, 10, 5, 5}));
}

class SampledTruth : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    data::CsbmOptions o;
    o.num_nodes = 200;
    o.num_classes = 3;
    o.num_features = 8;
    o.avg_degree = 8;
    o.train_per_class = 20;
    o.num_val = 40;
    o.num_test = 40;
    o.seed = 2;
    data::write_graph(path("g.h5"), data::generate_csbm(o), {2, "test", "csbm"});
  }
  std::string job(const std::string& evaluate, const std::string& search) {
    std::string p = path("job.toml");
    std::ofstream(p) << "[job]\nname = \"s\"\nthreads = 1\noutput_dir = \"" + path("out") + "\"\n" +
                            "[dataset]\nkind = \"file\"\npath = \"" + path("g.h5") + "\"\n" +
                            "[evaluate]\ntruth_seeds = 1\nnoise_ceiling = false\ntruth_epochs = 3\nproxy_epochs = 20\n" +
                            evaluate + search;
    return p;
  }
};

TEST_F(SampledTruth, AJobSamplesItsGroundTruthAndRefusesWhatCannotBeSampled) {
  const std::string named = "[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\nfilters = [\"gcn\", \"sage-mean\"]\n"
                            "widths = [8]\ndepths = [2]\n[condense]\nmethods = [\"random\"]\nbudgets = [0.1]\n"
                            "val_fraction = 0.5\nseeds = [0]\n";
  auto spec = run::parse_job_file(job("truth_fanouts = [5, 3]\ntruth_batch_size = 16\n", named));
  EXPECT_EQ(spec.experiment.evaluate.truth.fanouts, (std::vector<int>{5, 3}));
  EXPECT_EQ(spec.experiment.evaluate.truth.batch_size, 16);
  EXPECT_TRUE(spec.experiment.evaluate.proxy.fanouts.empty()) << "proxies train on their small graphs in full batch";
  ASSERT_EQ(run::run_job(spec), 0);
  auto summary = run::read_summary(path("out/results.h5"));
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_TRUE(std::isfinite(summary[0].m.rho));
  expect_input_error([&] { run::parse_job_file(job("truth_fanouts = [5, 3, 2]\n", named)); }, "evaluate.truth_fanouts",
                     "has 3 entries but the candidates have 2 layers");
  expect_input_error([&] { run::parse_job_file(job("truth_fanouts = [5, 0]\n", named)); }, "evaluate.truth_fanouts[1]",
                     "whole number >= 1, or -1");
  expect_input_error([&] { run::parse_job_file(job("truth_fanouts = [5, 3]\ntruth_batch_size = 0\n", named)); },
                     "evaluate.truth_batch_size", "must be >= 1");
  expect_input_error([&] { run::parse_job_file(job("truth_fanouts = [5, 3]\n", "[search]\nhidden = 8\n")); },
                     "evaluate.truth_fanouts", "trains on precomputed feature blocks");
  expect_input_error(
      [&] {
        run::parse_job_file(job("truth_fanouts = [5, 3]\n", "[search]\nkind = \"named\"\nfamily = \"conv-supernet\"\n"
                                                             "filters = [\"gcn\"]\nwidths = [8]\ndepths = [2, 4]\n"));
      },
      "evaluate.truth_fanouts", "several depths");
}

}  // namespace
}  // namespace hcdc::test
