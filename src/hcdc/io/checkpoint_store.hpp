#pragma once
// A folder of checkpoints checkpoint-<step>.h5: each written atomically (temporary name, fsync,
// rename), the newest `keep` kept. Resuming picks the newest file that validates (payload digest),
// falling back to older ones; a checkpoint of another job config is an error, never a silent restart.
#include <optional>
#include <string>

#include "hcdc/io/checkpoint_file.hpp"

namespace hcdc::io {

class CheckpointStore {
 public:
  CheckpointStore(std::string dir, int keep);
  std::string save(const Checkpoint& c);  // returns the path
  // Throws InputError if the folder is missing or a valid checkpoint has another config digest.
  std::optional<Checkpoint> newest_valid(const std::string& config_digest, std::string* path_out = nullptr) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int keep_;
};

}  // namespace hcdc::io
