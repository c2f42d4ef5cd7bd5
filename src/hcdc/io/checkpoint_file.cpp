#include "hcdc/io/checkpoint_file.hpp"

#include "hcdc/core/error.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"

namespace hcdc::io {

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  write_validated(path, kCheckpointSchema, [&](H5File& f) {
    f.set_compression(false);
    f.set_attr("step", c.step);
    f.set_attr("seed", c.seed);
    f.set_attr("num_ranks", c.num_ranks);
    f.set_attr("config", c.config);
    f.set_attr("config_digest", c.config_digest);
    for (const auto& [name, a] : c.state) {
      std::string p = "state/" + name;
      if (!a.f64.empty()) f.write(p, a.dims, a.f64.data());
      else if (!a.i64.empty()) f.write(p, a.dims, a.i64.data());
      else f.write(p, a.dims, a.u8.data());
    }
    f.flush();
    // The digest is computed from what HDF5 reads back, the same way the validator will.
    f.set_attr("payload_digest", payload_digest(f, "state"));
  });
}

Checkpoint read_checkpoint(const std::string& path) {
  H5File f = open_validated(path, kCheckpointSchema);
  Checkpoint c;
  c.step = f.attr_int("step");
  c.seed = f.attr_int("seed");
  c.num_ranks = f.attr_int("num_ranks");
  c.config = f.attr_string("config");
  c.config_digest = f.attr_string("config_digest");
  for (const auto& d : f.list_datasets()) {
    if (d.path.rfind("state/", 0) != 0) continue;
    CheckpointArray a;
    a.dims = d.dims;
    if (d.dtype == DType::kFloat64 || d.dtype == DType::kFloat32) a.f64 = f.read<double>(d.path);
    else if (d.dtype == DType::kInt64) a.i64 = f.read<std::int64_t>(d.path);
    else a.u8 = f.read<std::uint8_t>(d.path);
    c.state[d.path.substr(6)] = std::move(a);
  }
  return c;
}

}  // namespace hcdc::io
