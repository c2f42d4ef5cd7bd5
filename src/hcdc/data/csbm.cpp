#include "hcdc/data/csbm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "hcdc/core/error.hpp"
#include "hcdc/data/edge_list.hpp"

namespace hcdc::data {
namespace {

void check(const CsbmOptions& o) {
  auto bad = [](const char* field, const std::string& what) { throw InputError("csbm", field, what); };
  if (o.num_nodes < 2) bad("num_nodes", "must be >= 2");
  if (o.num_classes < 2 || o.num_classes > o.num_nodes) bad("num_classes", "must be in [2, num_nodes]");
  if (o.num_features < 1) bad("num_features", "must be >= 1");
  if (!(o.avg_degree > 0) || o.avg_degree > static_cast<double>(o.num_nodes - 1)) bad("avg_degree", "must be in (0, num_nodes-1]");
  if (!(o.homophily >= 0 && o.homophily <= 1)) bad("homophily", "must be in [0, 1]");
  if (!std::isfinite(o.feature_signal) || o.feature_signal < 0) bad("feature_signal", "must be finite and >= 0");
  if (o.train_per_class < 1 || o.num_val < 1 || o.num_test < 1) bad("splits", "train_per_class, num_val and num_test must be >= 1");
  if (o.train_per_class * o.num_classes + o.num_val + o.num_test > o.num_nodes)
    bad("splits", fmt::format("train_per_class*num_classes + num_val + num_test = {} exceeds num_nodes = {}",
                              o.train_per_class * o.num_classes + o.num_val + o.num_test, o.num_nodes));
}

}  // namespace

Graph generate_csbm(const CsbmOptions& o) {
  check(o);
  std::mt19937_64 rng(o.seed);
  const auto n = o.num_nodes, C = o.num_classes, F = o.num_features;
  Graph g;
  g.num_nodes = n;
  g.num_classes = C;
  g.num_features = F;

  // Balanced labels in a random order.
  g.labels.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) g.labels[i] = i % C;
  std::shuffle(g.labels.begin(), g.labels.end(), rng);
  std::vector<std::vector<std::int64_t>> members(static_cast<std::size_t>(C));
  for (std::int64_t i = 0; i < n; ++i) members[g.labels[i]].push_back(i);

  // Edges: pick an endpoint uniformly, the other's class by homophily, then a member uniformly.
  const auto m = static_cast<std::int64_t>(std::llround(o.avg_degree * static_cast<double>(n) / 2.0));
  EdgeList edges;
  edges.reserve(static_cast<std::size_t>(2 * m));
  std::uniform_int_distribution<std::int64_t> node(0, n - 1), other(0, C - 2);
  std::bernoulli_distribution same(o.homophily);
  for (std::int64_t e = 0; e < m; ++e) {
    std::int64_t u = node(rng);
    std::int64_t cu = g.labels[u];
    std::int64_t cv = cu;
    if (!same(rng)) {
      cv = other(rng);
      if (cv >= cu) ++cv;
    }
    const auto& pool = members[cv];
    std::int64_t v = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
    edges.emplace_back(u, v);  // self-loops and repeats are dropped below
  }
  set_undirected_adjacency(g, std::move(edges));

  // Features: class means with norm feature_signal, unit Gaussian noise.
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<float> means(static_cast<std::size_t>(C * F));
  for (std::int64_t c = 0; c < C; ++c) {
    double norm = 0;
    for (std::int64_t j = 0; j < F; ++j) {
      float v = gauss(rng);
      means[c * F + j] = v;
      norm += static_cast<double>(v) * v;
    }
    float scale = static_cast<float>(o.feature_signal / std::sqrt(std::max(norm, 1e-12)));
    for (std::int64_t j = 0; j < F; ++j) means[c * F + j] *= scale;
  }
  g.features.resize(static_cast<std::size_t>(n * F));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < F; ++j) g.features[i * F + j] = means[g.labels[i] * F + j] + gauss(rng);

  // Planetoid-style splits: train_per_class per class, then val and test from the rest.
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::int64_t> taken(static_cast<std::size_t>(C), 0);
  std::vector<std::int64_t> rest;
  for (auto i : order) {
    if (taken[g.labels[i]] < o.train_per_class) {
      ++taken[g.labels[i]];
      g.splits.train.push_back(i);
    } else {
      rest.push_back(i);
    }
  }
  g.splits.val.assign(rest.begin(), rest.begin() + o.num_val);
  g.splits.test.assign(rest.begin() + o.num_val, rest.begin() + o.num_val + o.num_test);
  for (auto* s : {&g.splits.train, &g.splits.val, &g.splits.test}) std::sort(s->begin(), s->end());
  return g;
}

}  // namespace hcdc::data
