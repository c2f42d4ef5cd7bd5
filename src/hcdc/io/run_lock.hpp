#pragma once
// One writer per output folder: `hcdc run` and `hcdc condense` hold <folder>/.hcdc.lock (created
// with O_EXCL; it names host, PID, Slurm job id and start time) while they write there, so a second
// run on the same folder — e.g. a requeued job starting while the old one still shuts down — is
// refused with the holder's host and PID instead of both writing the same files.
// A lock left by a dead process is taken over with a message: on this host when its PID is gone,
// on another host when it was an earlier incarnation of the same Slurm job (a requeue moves nodes).
// A live holder on this host is waited for (HCDC_LOCK_WAIT seconds, default 30) before refusing.
#include <string>

namespace hcdc::io {

class RunLock {
 public:
  // Throws InputError (field "lock") when another live run holds the folder.
  explicit RunLock(const std::string& folder);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool held_ = false;
};

}  // namespace hcdc::io
