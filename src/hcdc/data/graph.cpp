#include "hcdc/data/graph.hpp"

#include "hcdc/core/error.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"

namespace hcdc::data {

void fill_graph(io::H5File& f, const Graph& g, const Provenance& p) {
  f.set_attr("num_nodes", g.num_nodes);
  f.set_attr("num_features", g.num_features);
  f.set_attr("num_classes", g.num_classes);
  f.write("adjacency/indptr", g.indptr);
  f.write("adjacency/indices", g.indices);
  if (!g.weights.empty()) f.write("adjacency/weights", g.weights);
  if (g.sparse_features()) {
    f.write("features_csr/indptr", g.feat_indptr);
    f.write("features_csr/indices", g.feat_indices);
    f.write("features_csr/data", g.feat_data);
  } else {
    if (g.features.size() != static_cast<std::size_t>(g.num_nodes * g.num_features))
      throw InputError(f.path(), "features", "buffer size differs from num_nodes x num_features");
    f.write("features", {g.num_nodes, g.num_features}, g.features.data());
  }
  f.write("labels", g.labels);
  f.write("splits/train", g.splits.train);
  f.write("splits/val", g.splits.val);
  f.write("splits/test", g.splits.test);
  write_provenance(f, p);
}

void write_graph(const std::string& path, const Graph& g, const Provenance& p) {
  io::write_validated(path, io::kGraphSchema, [&](io::H5File& f) { fill_graph(f, g, p); });
}

Graph read_graph(const std::string& path) {
  io::H5File f = io::open_validated(path, io::kGraphSchema);
  Graph g;
  g.num_nodes = f.attr_int("num_nodes");
  g.num_features = f.attr_int("num_features");
  g.num_classes = f.attr_int("num_classes");
  g.indptr = f.read<std::int64_t>("adjacency/indptr");
  g.indices = f.read<std::int64_t>("adjacency/indices");
  if (f.exists("adjacency/weights")) g.weights = f.read<float>("adjacency/weights");
  if (f.exists("features")) {
    g.features = f.read<float>("features");
  } else {
    g.feat_indptr = f.read<std::int64_t>("features_csr/indptr");
    g.feat_indices = f.read<std::int64_t>("features_csr/indices");
    g.feat_data = f.read<float>("features_csr/data");
  }
  g.labels = f.read<std::int64_t>("labels");
  g.splits = {f.read<std::int64_t>("splits/train"), f.read<std::int64_t>("splits/val"),
              f.read<std::int64_t>("splits/test")};
  return g;
}

}  // namespace hcdc::data
