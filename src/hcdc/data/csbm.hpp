#pragma once
#include <cstdint>

#include "hcdc/data/graph.hpp"

namespace hcdc::data {

// Contextual stochastic block model: class-dependent edge probabilities (a fraction `homophily`
// of the edges join nodes of the same class) and Gaussian features around class means whose
// norm is `feature_signal`. Memory and time are linear in the number of edges (plus a sort).
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
  std::uint64_t seed = 0;
};

Graph generate_csbm(const CsbmOptions& o);

}  // namespace hcdc::data
