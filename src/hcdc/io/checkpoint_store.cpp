#include "hcdc/io/checkpoint_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "hcdc/core/error.hpp"

namespace hcdc::io {
namespace fs = std::filesystem;

namespace {
std::vector<std::pair<std::int64_t, std::string>> list(const std::string& dir) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  static const std::regex name(R"(checkpoint-(\d+)\.h5)");
  for (const auto& e : fs::directory_iterator(dir)) {
    std::smatch m;
    std::string f = e.path().filename().string();
    if (std::regex_match(f, m, name)) out.emplace_back(std::stoll(m[1]), e.path().string());
  }
  std::sort(out.rbegin(), out.rend());  // newest first
  return out;
}
}  // namespace

CheckpointStore::CheckpointStore(std::string dir, int keep) : dir_(std::move(dir)), keep_(std::max(keep, 1)) {}

std::string CheckpointStore::save(const Checkpoint& c) {
  fs::create_directories(dir_);
  std::string path = fmt::format("{}/checkpoint-{:09d}.h5", dir_, c.step);
  write_checkpoint(path, c);
  auto all = list(dir_);
  for (std::size_t i = static_cast<std::size_t>(keep_); i < all.size(); ++i) fs::remove(all[i].second);
  return path;
}

std::optional<Checkpoint> CheckpointStore::newest_valid(const std::string& config_digest, std::string* path_out) const {
  if (!fs::is_directory(dir_))
    throw InputError(dir_, "", "--resume: the checkpoint directory does not exist");
  for (const auto& [step, path] : list(dir_)) {
    try {
      Checkpoint c = read_checkpoint(path);
      if (c.config_digest != config_digest)
        throw InputError(path, "config_digest",
                         fmt::format("the checkpoint belongs to another job config ({} != {}); refusing to resume",
                                     c.config_digest, config_digest));
      if (path_out) *path_out = path;
      return c;
    } catch (const InputError& e) {
      if (e.field() == "config_digest" || e.field() == "schema_version") throw;
      spdlog::warn("skipping damaged checkpoint {}: {}", path, e.what());
    }
  }
  return std::nullopt;
}

}  // namespace hcdc::io
