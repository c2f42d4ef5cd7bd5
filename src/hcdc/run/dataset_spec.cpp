#include "hcdc/run/dataset_spec.hpp"

#include "hcdc/config/registry_choice.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::run {

DatasetSpec parse_dataset_spec(config::StrictTable t, std::uint64_t seed) {
  DatasetSpec s;
  s.kind = t.require<std::string>("kind");
  if (s.kind.empty() && t.recording()) return s;  // the reference lists each source's keys itself
  s.recipe = config::choose(t, "kind", s.kind, dataset_sources()).parse(t, seed);
  t.finish();
  return s;
}

std::string materialize_dataset(const DatasetSpec& spec, const std::string& out_path, const data::Provenance& p) {
  if (!spec.existing_path().empty()) {
    io::validate_file(spec.existing_path());
    return spec.existing_path();
  }
  spec.recipe.write(out_path, p);
  return out_path;
}

}  // namespace hcdc::run
