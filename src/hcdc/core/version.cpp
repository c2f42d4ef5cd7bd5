#include "hcdc/core/version.hpp"

#include <fmt/format.h>

#include <ctime>

#include "hcdc/core/git_commit.hpp"

namespace hcdc {

std::string project_version() { return HCDC_PROJECT_VERSION; }
std::string git_commit() { return HCDC_GIT_COMMIT; }
std::string writer_version() { return fmt::format("hcdc {} ({})", project_version(), git_commit()); }

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace hcdc
