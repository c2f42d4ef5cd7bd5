#pragma once
// The one way hcdc writes and reads its HDF5 files.
#include <functional>
#include <string>

#include "hcdc/io/h5file.hpp"

namespace hcdc::io {

// Creates `path` atomically: `fill` writes the content into a temporary file stamped with the
// schema's name and version, the temporary file is closed and validated against the schema, and
// only then renamed into place. On any error nothing appears under `path`.
void write_validated(const std::string& path, const std::string& schema_name,
                     const std::function<void(H5File&)>& fill);

// Validates `path` and checks that it follows `schema_name`, then opens it for reading.
H5File open_validated(const std::string& path, const std::string& schema_name);

}  // namespace hcdc::io
