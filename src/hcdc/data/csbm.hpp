#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/data/graph.hpp"

namespace hcdc::data {

// Contextual stochastic block model: class-dependent edge probabilities (a fraction `homophily`
// of the edges join nodes of the same class) and Gaussian features around class means whose
// norm is `feature_signal`. Memory and time are linear in the number of edges (plus a sort).
//
// Degree correction (`degree_exponent` γ > 2): every node gets a weight w_i from a Pareto law
// with P(w > x) = x^-(γ-1) (x ≥ 1), and edge endpoints are drawn proportional to w (the first over
// all nodes, the second within the chosen class), so a node's expected degree is proportional to
// its weight and degrees follow a power law with exponent γ: hubs, as in real graphs. 0 = off
// (uniform endpoints, every degree close to avg_degree).
//
// Splits: `train_per_class` nodes of every class (Planetoid style), or, when `num_train` > 0, that
// many nodes drawn at random regardless of class (OGB style); then num_val and num_test from the
// rest.
struct CsbmOptions {
  std::int64_t num_nodes = 2000;
  std::int64_t num_classes = 5;
  std::int64_t num_features = 64;
  double avg_degree = 8.0;
  double homophily = 0.8;
  double feature_signal = 1.5;
  std::int64_t train_per_class = 20;
  std::int64_t num_val = 500;
  std::int64_t num_test = 1000;
  std::int64_t num_train = 0;
  double degree_exponent = 0;
  std::uint64_t seed = 0;
};

Graph generate_csbm(const CsbmOptions& o);

// Named shapes of real graphs for scale tests, with homophily and feature signal chosen so that
// linear probes of the graph score like models on the real graph (docs/results/csbm_presets.md
// says how; the Table-2 training schedule does not reach those accuracies yet):
//   "arxiv": ogbn-arxiv's shape (169,343 nodes, ≈1.17M undirected edges, 128 features, 40
//            classes, splits 90,941 / 29,799 / 48,603), degree-corrected;
//   "1m":    1,000,000 nodes, ≈10M undirected edges, 128 features, 40 classes, degree-corrected.
// Unknown names: InputError listing the known ones. The seed is left as it is.
CsbmOptions csbm_preset(const std::string& name, CsbmOptions base = {});
std::vector<std::string> csbm_preset_names();

}  // namespace hcdc::data
