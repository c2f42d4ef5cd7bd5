#pragma once
// Generated at build time from hdf5_schemas/*.json (cmake/EmbedSchemas.cmake).
#include <string>
#include <utility>
#include <vector>

namespace hcdc::io {
const std::vector<std::pair<std::string, std::string>>& embedded_schema_texts();  // (file, JSON)
}
