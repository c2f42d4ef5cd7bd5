#pragma once
// A condensed set (schema hcdc.condensed_set): synthetic S_train and S_val with labels, an
// optional synthetic adjacency over S_train ∪ S_val, and the provenance needed to reproduce it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hcdc::data {

struct CondensedSet {
  std::vector<std::int64_t> sample_shape;  // e.g. {F} for graphs, {C, H, W} for images
  std::vector<float> x_train, x_val;       // row-major, n × prod(sample_shape)
  std::vector<std::int64_t> y_train, y_val;
  std::vector<float> adjacency;            // optional, (n_train+n_val)^2
  std::int64_t num_classes = 0;
  std::string method;
  std::int64_t budget = 0;
  std::int64_t seed = 0;
  std::string config, source_file, source_digest;
  std::map<std::string, double> run_metrics;  // written as root attributes (timings, ranks, traffic)
  // The method's loss per iteration (schema 1.1): HCDC's mean alignment loss 1 − cos(g_T, g_S) per
  // S_val step (so the hypergradient cosine is 1 − it), a matching method's matching loss; empty
  // for coresets.
  std::vector<double> history;
};

void write_condensed_set(const std::string& path, const CondensedSet& s);
CondensedSet read_condensed_set(const std::string& path);

}  // namespace hcdc::data
