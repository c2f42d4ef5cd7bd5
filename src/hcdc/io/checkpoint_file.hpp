#pragma once
// Checkpoints (schema hcdc.checkpoint): named arrays under /state plus step, seed, config and
// a CRC-32 over the whole payload, so a reader can tell a damaged file and fall back to an
// older one. Written atomically like every hcdc output.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hcdc::io {

struct CheckpointArray {
  std::vector<std::int64_t> dims;
  std::vector<double> f64;         // one of f64 / i64 / u8 is used
  std::vector<std::int64_t> i64;
  std::vector<std::uint8_t> u8;    // e.g. serialised RNG states
};

struct Checkpoint {
  std::int64_t step = 0;
  std::int64_t seed = 0;
  std::int64_t num_ranks = 1;
  std::string config, config_digest;
  std::map<std::string, CheckpointArray> state;
};

void write_checkpoint(const std::string& path, const Checkpoint& c);
Checkpoint read_checkpoint(const std::string& path);  // validates, including the payload digest

}  // namespace hcdc::io
