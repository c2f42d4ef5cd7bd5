#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace hcdc::io {
class H5File;
}

namespace hcdc::data {

// Where a file came from: recorded as root attributes so every output can be reproduced.
struct Provenance {
  std::optional<std::int64_t> seed;  // absent for deterministic imports
  std::string config;                // job file text or the command line
  std::string source;                // input file/folder, or "generated"
};

void write_provenance(io::H5File& f, const Provenance& p);

}  // namespace hcdc::data
