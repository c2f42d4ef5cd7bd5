#pragma once
#include <string>

namespace hcdc::io {

// A human-readable summary of an hcdc file: schema and validity, root attributes, every dataset
// (shape, dtype, compression), split sizes and class balance per split.
std::string inspect_file(const std::string& path);

}  // namespace hcdc::io
