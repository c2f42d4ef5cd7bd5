#pragma once
// The [dataset] section of a job file: which data a job runs on and how to obtain it. `kind`
// names a registered source (run/dataset_source.hpp), which reads the section's other keys.
#include <cstdint>
#include <string>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/data/provenance.hpp"
#include "hcdc/run/dataset_source.hpp"

namespace hcdc::run {

struct DatasetSpec {
  std::string kind;  // a dataset_sources() name
  DatasetRecipe recipe;
  // An existing file the job uses as is, or "" when the job makes <output_dir>/dataset.h5.
  const std::string& existing_path() const { return recipe.existing_path; }
};

DatasetSpec parse_dataset_spec(config::StrictTable t, std::uint64_t seed);

// Makes the dataset into `out_path` (an existing file: validates and returns its path).
std::string materialize_dataset(const DatasetSpec& spec, const std::string& out_path, const data::Provenance& p);

}  // namespace hcdc::run
