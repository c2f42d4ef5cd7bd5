#pragma once
// Where a job's data comes from ([dataset] kind), by name. A source joins from its own file in
// one line, with its own keys:
//   HCDC_REGISTER(run::dataset_sources(), "my-source", 100, run::DatasetSource{help, parse});
#include <any>
#include <cstdint>
#include <functional>
#include <string>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/core/registry.hpp"
#include "hcdc/data/provenance.hpp"

namespace hcdc::run {

// What a [dataset] section asks for, ready to be made.
struct DatasetRecipe {
  std::string existing_path;  // use this file as is (validated), or "" when `write` makes one
  std::function<void(const std::string& out_path, const data::Provenance& p)> write;
  std::any options;           // the source's parsed options (for inspection and tests)
};

struct DatasetSource {
  std::string help;
  // Reads the source's own keys of [dataset] (all but `kind`); `seed` is the job's seed.
  std::function<DatasetRecipe(config::StrictTable& t, std::uint64_t seed)> parse;
};

Registry<DatasetSource>& dataset_sources();

}  // namespace hcdc::run
