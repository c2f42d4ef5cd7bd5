#include "hcdc/data/condensed_set.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>

#include "hcdc/core/error.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"

namespace hcdc::data {

void write_condensed_set(const std::string& path, const CondensedSet& s) {
  io::write_validated(path, io::kCondensedSetSchema, [&](io::H5File& f) {
    auto dims = [&](std::size_t n) {
      std::vector<std::int64_t> d{static_cast<std::int64_t>(n)};
      d.insert(d.end(), s.sample_shape.begin(), s.sample_shape.end());
      return d;
    };
    f.write("train/x", dims(s.y_train.size()), s.x_train.data());
    f.write("train/y", s.y_train);
    f.write("val/x", dims(s.y_val.size()), s.x_val.data());
    f.write("val/y", s.y_val);
    if (!s.adjacency.empty()) {
      auto m = static_cast<std::int64_t>(s.y_train.size() + s.y_val.size());
      if (s.adjacency.size() != static_cast<std::size_t>(m * m))
        throw std::logic_error(fmt::format("write_condensed_set: {} adjacency entries for {} nodes", s.adjacency.size(), m));
      f.write("adjacency", {m, m}, s.adjacency.data());
    }
    f.set_attr("num_classes", s.num_classes);
    f.set_attr("method", s.method);
    f.set_attr("budget", s.budget);
    f.set_attr("seed", s.seed);
    f.set_attr("config", s.config);
    f.set_attr("source_file", s.source_file);
    f.set_attr("source_digest", s.source_digest);
    for (const auto& [k, v] : s.run_metrics) f.set_attr(k, v);
    if (!s.history.empty()) f.write("history", s.history);
  });
}

CondensedSet read_condensed_set(const std::string& path) {
  io::H5File f = io::open_validated(path, io::kCondensedSetSchema);
  CondensedSet s;
  auto info = f.info("train/x");
  s.sample_shape.assign(info.dims.begin() + 1, info.dims.end());
  s.x_train = f.read<float>("train/x");
  s.y_train = f.read<std::int64_t>("train/y");
  s.x_val = f.read<float>("val/x");
  s.y_val = f.read<std::int64_t>("val/y");
  if (f.exists("adjacency")) {
    // Over S_train ∪ S_val: the schema checks it is square, this that it spans both sets.
    const auto m = f.info("adjacency").dims.at(0);
    const auto want = static_cast<std::int64_t>(s.y_train.size() + s.y_val.size());
    if (m != want)
      throw InputError(path, "adjacency",
                       fmt::format("is {0} × {0} but S_train ∪ S_val has {1} nodes ({2} + {3})", m, want,
                                   s.y_train.size(), s.y_val.size()));
    s.adjacency = f.read<float>("adjacency");
  }
  if (f.exists("history")) s.history = f.read<double>("history");
  s.num_classes = f.attr_int("num_classes");
  s.method = f.attr_string("method");
  s.budget = f.attr_int("budget");
  s.seed = f.attr_int("seed");
  s.config = f.attr_string("config");
  s.source_file = f.attr_string("source_file");
  s.source_digest = f.attr_string("source_digest");
  // The run's metrics are the numeric root attributes the schema does not define (the writer adds
  // them from run_metrics): read back, so `hcdc evaluate` and `hcdc nas` see the condense time.
  static const std::set<std::string> defined{"num_classes", "budget", "seed"};
  for (const auto& name : f.attr_names("/")) {
    if (defined.count(name) != 0) continue;
    try {
      s.run_metrics[name] = f.attr_double(name);
    } catch (const InputError&) {
      // a string attribute (method, config, provenance): not a metric
    }
  }
  return s;
}

}  // namespace hcdc::data
