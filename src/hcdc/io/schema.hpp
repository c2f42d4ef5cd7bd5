#pragma once
// The versioned HDF5 schemas. hdf5_schemas/*.json is the single source of truth: the JSON is
// embedded into the library at build time and drives both the validator and the writers'
// schema_name/schema_version attributes.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hcdc::io {

class H5File;

struct SchemaVersion {
  int major = 0, minor = 0;
  static SchemaVersion parse(const std::string& text, const std::string& file, const std::string& field);
  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

struct Schema {
  std::string name;
  SchemaVersion version;
  nlohmann::json spec;
};

// Schema names used by writers.
inline constexpr const char* kImageSetSchema = "hcdc.image_set";
inline constexpr const char* kGraphSchema = "hcdc.graph";
inline constexpr const char* kCondensedSetSchema = "hcdc.condensed_set";
inline constexpr const char* kResultsSchema = "hcdc.results";
inline constexpr const char* kCheckpointSchema = "hcdc.checkpoint";
inline constexpr const char* kHpoTraceSchema = "hcdc.hpo_trace";
inline constexpr const char* kHypergradSchema = "hcdc.hypergrad";

const std::vector<Schema>& all_schemas();
const Schema& schema_by_name(const std::string& name);  // throws std::logic_error for an unknown name

// Reads schema_name / schema_version from an open file and returns the schema it follows.
// Refuses a file without them, an unknown schema and a different major version, naming the field.
const Schema& schema_of(const H5File& f);

// Sets schema_name, schema_version, writer_version, git_commit and created on the root group.
void stamp_schema(H5File& f, const std::string& schema_name);

struct ValidationReport {
  std::string schema_name, schema_version;
  std::vector<std::string> checked;  // human-readable list of what was verified
};

// Checks a file against its schema: required attributes and datasets, dtypes, shapes (symbolic
// dimensions must agree), index ranges, disjoint splits, finite values, label range, CSR structure
// and payload digests. Throws InputError(file, field, what) at the first problem.
ValidationReport validate_file(const std::string& path);

// CRC-32 over every dataset under `group` (sorted by path; names, shapes and bytes).
std::string payload_digest(const H5File& f, const std::string& group);

}  // namespace hcdc::io
