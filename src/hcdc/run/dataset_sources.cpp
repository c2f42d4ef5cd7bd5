// The built-in dataset sources: Fashion-MNIST (Debian's IDX files), the cSBM graph generator,
// Gaussian-mixture images, graphs imported from .npz (heterophilous-graphs) and OGB's raw layout,
// and an existing hcdc file.
#include "hcdc/data/csbm.hpp"
#include "hcdc/data/fashion_mnist.hpp"
#include "hcdc/data/gaussian_images.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/data/image_set.hpp"
#include "hcdc/data/npz_graph.hpp"
#include "hcdc/data/ogb_raw.hpp"
#include "hcdc/run/dataset_source.hpp"

namespace hcdc::run {
namespace {

// A recipe that makes the dataset with `make(options)` and writes it with `write` (the provenance
// naming `source`).
template <class Options, class Make, class Write>
DatasetRecipe generated(const Options& o, std::string source, Make make, Write write) {
  return {"",
          [o, source = std::move(source), make, write](const std::string& out, const data::Provenance& p) {
            data::Provenance prov = p;
            prov.source = source;
            write(out, make(o), prov);
          },
          o};
}

DatasetRecipe fashion_mnist(config::StrictTable& t, std::uint64_t seed) {
  data::FashionMnistOptions o;
  o.src_dir = t.get<std::string>("src", o.src_dir);
  o.val_size = t.get<std::int64_t>("val_size", o.val_size);
  o.seed = seed;
  return generated(o, o.src_dir, data::load_fashion_mnist, data::write_image_set);
}

DatasetRecipe csbm(config::StrictTable& t, std::uint64_t seed) {
  data::CsbmOptions o;
  const std::string preset = t.get<std::string>("preset", "");
  if (!preset.empty()) o = data::csbm_preset(preset, o);  // the keys below override the preset's values
  o.num_nodes = t.get<std::int64_t>("num_nodes", o.num_nodes);
  o.num_classes = t.get<std::int64_t>("num_classes", o.num_classes);
  o.num_features = t.get<std::int64_t>("num_features", o.num_features);
  o.avg_degree = t.get<double>("avg_degree", o.avg_degree);
  o.homophily = t.get<double>("homophily", o.homophily);
  o.feature_signal = t.get<double>("feature_signal", o.feature_signal);
  o.degree_exponent = t.get<double>("degree_exponent", o.degree_exponent);
  o.train_per_class = t.get<std::int64_t>("train_per_class", o.train_per_class);
  o.num_train = t.get<std::int64_t>("num_train", o.num_train);
  o.num_val = t.get<std::int64_t>("num_val", o.num_val);
  o.num_test = t.get<std::int64_t>("num_test", o.num_test);
  o.seed = seed;
  return generated(o, "generated: csbm", data::generate_csbm, data::write_graph);
}

DatasetRecipe gaussian_images(config::StrictTable& t, std::uint64_t seed) {
  data::GaussianImagesOptions o;
  o.num_images = t.get<std::int64_t>("num_images", o.num_images);
  o.num_classes = t.get<std::int64_t>("num_classes", o.num_classes);
  o.channels = t.get<std::int64_t>("channels", o.channels);
  o.height = t.get<std::int64_t>("height", o.height);
  o.width = t.get<std::int64_t>("width", o.width);
  o.noise = t.get<double>("noise", o.noise);
  o.num_val = t.get<std::int64_t>("num_val", o.num_val);
  o.num_test = t.get<std::int64_t>("num_test", o.num_test);
  o.seed = seed;
  return generated(o, "generated: gaussian-images", data::generate_gaussian_images, data::write_image_set);
}

struct NpzOptions {
  std::string src;
  std::int64_t split = 0;
};

DatasetRecipe npz_graph(config::StrictTable& t, std::uint64_t) {
  NpzOptions o;
  o.src = t.require<std::string>("src");
  o.split = t.get<std::int64_t>("split", o.split);
  return generated(o, data::npz_source(o.src, o.split), [](const NpzOptions& n) { return data::load_npz_graph(n.src, n.split); },
                   data::write_graph);
}

struct OgbOptions {
  std::string src, split_scheme;
};

DatasetRecipe ogb_graph(config::StrictTable& t, std::uint64_t) {
  OgbOptions o;
  o.src = t.require<std::string>("src");
  o.split_scheme = t.get<std::string>("split_scheme", o.split_scheme);
  return generated(o, o.src, [](const OgbOptions& g) { return data::load_ogb_raw(g.src, g.split_scheme); },
                   data::write_graph);
}

DatasetRecipe existing_file(config::StrictTable& t, std::uint64_t) {
  return {t.require<std::string>("path"), nullptr, {}};
}

}  // namespace

Registry<DatasetSource>& dataset_sources() {
  static Registry<DatasetSource> r("dataset kind");
  return r;
}

HCDC_REGISTER(dataset_sources(), "fashion-mnist", 10,
              DatasetSource{"Fashion-MNIST from its IDX .gz files (Debian: dataset-fashion-mnist)", fashion_mnist});
HCDC_REGISTER(dataset_sources(), "csbm", 20, DatasetSource{"contextual stochastic block model graph (seeded)", csbm});
HCDC_REGISTER(dataset_sources(), "gaussian-images", 30,
              DatasetSource{"Gaussian-mixture image set (seeded)", gaussian_images});
HCDC_REGISTER(dataset_sources(), "npz", 34,
              DatasetSource{"a graph in heterophilous-graphs' .npz layout (src = file, split = mask row)", npz_graph});
HCDC_REGISTER(dataset_sources(), "ogb", 36,
              DatasetSource{"an OGB node-property graph in its raw CSV layout (src = folder, split_scheme)", ogb_graph});
HCDC_REGISTER(dataset_sources(), "file", 40,
              DatasetSource{"an existing hcdc HDF5 file, e.g. Cora from analysis/import_planetoid.py", existing_file});

}  // namespace hcdc::run
