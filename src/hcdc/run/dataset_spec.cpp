#include "hcdc/run/dataset_spec.hpp"

#include "hcdc/io/schema.hpp"

namespace hcdc::run {

DatasetSpec parse_dataset_spec(config::StrictTable t, std::uint64_t seed) {
  DatasetSpec s;
  s.kind = t.require<std::string>("kind");
  if (s.kind == "fashion-mnist") {
    auto& o = s.fashion_mnist;
    o.src_dir = t.get<std::string>("src", o.src_dir);
    o.val_size = t.get<std::int64_t>("val_size", o.val_size);
    o.seed = seed;
  } else if (s.kind == "csbm") {
    auto& o = s.csbm;
    o.num_nodes = t.get<std::int64_t>("num_nodes", o.num_nodes);
    o.num_classes = t.get<std::int64_t>("num_classes", o.num_classes);
    o.num_features = t.get<std::int64_t>("num_features", o.num_features);
    o.avg_degree = t.get<double>("avg_degree", o.avg_degree);
    o.homophily = t.get<double>("homophily", o.homophily);
    o.feature_signal = t.get<double>("feature_signal", o.feature_signal);
    o.train_per_class = t.get<std::int64_t>("train_per_class", o.train_per_class);
    o.num_val = t.get<std::int64_t>("num_val", o.num_val);
    o.num_test = t.get<std::int64_t>("num_test", o.num_test);
    o.seed = seed;
  } else if (s.kind == "gaussian-images") {
    auto& o = s.images;
    o.num_images = t.get<std::int64_t>("num_images", o.num_images);
    o.num_classes = t.get<std::int64_t>("num_classes", o.num_classes);
    o.channels = t.get<std::int64_t>("channels", o.channels);
    o.height = t.get<std::int64_t>("height", o.height);
    o.width = t.get<std::int64_t>("width", o.width);
    o.noise = t.get<double>("noise", o.noise);
    o.num_val = t.get<std::int64_t>("num_val", o.num_val);
    o.num_test = t.get<std::int64_t>("num_test", o.num_test);
    o.seed = seed;
  } else if (s.kind == "file") {
    s.path = t.require<std::string>("path");
  } else {
    t.fail("kind", "must be one of fashion-mnist, csbm, gaussian-images, file (got '" + s.kind + "')");
  }
  t.finish();
  return s;
}

std::string materialize_dataset(const DatasetSpec& spec, const std::string& out_path, const data::Provenance& p) {
  if (spec.kind == "file") {
    io::validate_file(spec.path);
    return spec.path;
  }
  data::Provenance prov = p;
  if (spec.kind == "fashion-mnist") {
    prov.source = spec.fashion_mnist.src_dir;
    data::write_image_set(out_path, data::load_fashion_mnist(spec.fashion_mnist), prov);
  } else if (spec.kind == "csbm") {
    prov.source = "generated: csbm";
    data::write_graph(out_path, data::generate_csbm(spec.csbm), prov);
  } else {
    prov.source = "generated: gaussian-images";
    data::write_image_set(out_path, data::generate_gaussian_images(spec.images), prov);
  }
  return out_path;
}

}  // namespace hcdc::run
