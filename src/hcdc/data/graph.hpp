#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/data/provenance.hpp"
#include "hcdc/data/splits.hpp"

namespace hcdc::io {
class H5File;
}

namespace hcdc::data {

// A node classification graph (schema hcdc.graph). The adjacency is CSR over num_nodes rows,
// symmetric for undirected graphs (each undirected edge stored in both rows). Features are
// dense (num_nodes × num_features) or CSR (feat_*); exactly one form is non-empty.
struct Graph {
  std::int64_t num_nodes = 0, num_features = 0, num_classes = 0;
  std::vector<std::int64_t> indptr, indices;
  std::vector<float> weights;  // optional, one per entry of indices
  std::vector<float> features;
  std::vector<std::int64_t> feat_indptr, feat_indices;
  std::vector<float> feat_data;
  std::vector<std::int64_t> labels;
  Splits splits;

  bool sparse_features() const { return features.empty() && !feat_indptr.empty(); }
};

// Writes the datasets and attributes into an open file (no schema stamp, no validation):
// the building block of write_graph, and how tests craft deliberately broken files.
void fill_graph(io::H5File& f, const Graph& g, const Provenance& p);
void write_graph(const std::string& path, const Graph& g, const Provenance& p);
Graph read_graph(const std::string& path);

}  // namespace hcdc::data
