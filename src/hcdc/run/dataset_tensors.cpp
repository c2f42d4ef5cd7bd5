#include "hcdc/run/dataset_tensors.hpp"

#include "hcdc/core/error.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/data/image_set.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::run {
namespace {
torch::Tensor longs(const std::vector<std::int64_t>& v) { return torch::tensor(v, torch::kLong); }
}  // namespace

DatasetTensors load_dataset_tensors(const std::string& path, torch::Dtype dtype) {
  DatasetTensors d;
  d.path = path;
  {
    io::H5File f = io::H5File::open_read(path);
    d.schema = f.has_attr("schema_name") ? f.attr_string("schema_name") : std::string();
  }
  if (d.schema == io::kGraphSchema) {
    data::Graph g = data::read_graph(path);
    d.is_graph = true;
    if (g.sparse_features()) {
      // Densify: the filter models multiply features by dense weights anyway.
      d.x = torch::zeros({g.num_nodes, g.num_features}, torch::TensorOptions().dtype(torch::kFloat));
      auto acc = d.x.accessor<float, 2>();
      for (std::int64_t i = 0; i < g.num_nodes; ++i)
        for (auto k = g.feat_indptr[i]; k < g.feat_indptr[i + 1]; ++k) acc[i][g.feat_indices[k]] = g.feat_data[k];
      d.x = d.x.to(dtype);
    } else {
      d.x = torch::tensor(g.features).view({g.num_nodes, g.num_features}).to(dtype);
    }
    d.graph = std::make_shared<models::GraphOperators>(
        models::GraphOperators::from_csr(g.num_nodes, g.indptr, g.indices, g.weights, dtype));
    d.y = longs(g.labels);
    d.train = longs(g.splits.train);
    d.val = longs(g.splits.val);
    d.test = longs(g.splits.test);
    d.num_classes = g.num_classes;
    d.sample_shape = {g.num_features};
  } else if (d.schema == io::kImageSetSchema) {
    data::ImageSet s = data::read_image_set(path);
    std::vector<std::int64_t> shape{s.n, s.channels, s.height, s.width};
    if (!s.pixels_u8.empty())
      d.x = torch::from_blob(s.pixels_u8.data(), shape, torch::kUInt8).to(dtype).div_(255.0);
    else
      d.x = torch::from_blob(s.pixels_f32.data(), shape, torch::kFloat).to(dtype).clone();
    d.y = longs(s.labels);
    d.train = longs(s.splits.train);
    d.val = longs(s.splits.val);
    d.test = longs(s.splits.test);
    d.num_classes = s.num_classes;
    d.sample_shape = {s.channels, s.height, s.width};
  } else {
    throw InputError(path, "schema_name", "expected a dataset (hcdc.graph or hcdc.image_set), got '" + d.schema + "'");
  }
  if (d.val.numel() == 0) throw InputError(path, "splits/val", "the dataset has no validation split");
  return d;
}

}  // namespace hcdc::run
