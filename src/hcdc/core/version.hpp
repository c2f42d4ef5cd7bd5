#pragma once
#include <string>

namespace hcdc {

std::string project_version();   // "0.1.0"
std::string git_commit();        // short hash, "-dirty" when the tree had local changes
std::string writer_version();    // "hcdc 0.1.0 (abcdef123456)": stored in every output file
std::string utc_timestamp();     // ISO 8601, for the `created` attribute

}  // namespace hcdc
