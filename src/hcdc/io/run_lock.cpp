#include "hcdc/io/run_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "hcdc/core/error.hpp"

namespace hcdc::io {
namespace {

std::string this_host() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

std::string slurm_job() {
  const char* j = std::getenv("SLURM_JOB_ID");
  return j != nullptr ? j : "-";
}

struct Holder {
  std::string host, job, since;
  long pid = 0;
};

Holder read_holder(const std::string& path) {
  Holder h;
  std::ifstream in(path);
  in >> h.host >> h.pid >> h.job;
  std::getline(in >> std::ws, h.since);
  return h;
}

bool alive(long pid) { return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// Creates the lock file atomically; false if it exists.
bool try_create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw InputError(path, "lock", fmt::format("cannot create the lock file: {}", std::strerror(errno)));
  }
  std::time_t now = std::time(nullptr);
  char when[64] = {};
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string text = fmt::format("{} {} {} {}\n", this_host(), static_cast<long>(getpid()), slurm_job(), when);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fsync(fd);
  ::close(fd);
  if (!ok) throw InputError(path, "lock", "cannot write the lock file");
  return true;
}

}  // namespace

RunLock::RunLock(const std::string& folder) : path_(folder + "/.hcdc.lock") {
  std::filesystem::create_directories(folder);
  const char* wait_env = std::getenv("HCDC_LOCK_WAIT");
  const double wait_s = wait_env != nullptr ? std::atof(wait_env) : 30.0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
  for (;;) {
    if (try_create(path_)) {
      held_ = true;
      return;
    }
    Holder h = read_holder(path_);
    const bool here = h.host == this_host();
    const bool dead = here ? !alive(h.pid) : (h.job != "-" && h.job == slurm_job());
    if (dead) {
      spdlog::warn("{}: taking over a lock left by {} (host {}, PID {}, Slurm job {}, since {})", path_,
                   here ? "a process that is gone" : "an earlier run of this Slurm job", h.host, h.pid, h.job, h.since);
      std::filesystem::remove(path_);
      continue;
    }
    if (here && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // e.g. the old job still shutting down
      continue;
    }
    throw InputError(path_, "lock",
                     fmt::format("this output folder is in use by another hcdc (host {}, PID {}, Slurm job {}, since "
                                 "{}); wait for it to finish, or remove the lock file if that process is gone",
                                 h.host, h.pid, h.job, h.since));
  }
}

RunLock::~RunLock() {
  if (held_) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

}  // namespace hcdc::io
