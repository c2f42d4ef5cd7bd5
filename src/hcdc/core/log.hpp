#pragma once
// Logging and progress lines. Progress lines are plain, one per update (no carriage returns), so
// they read well in Slurm output files: "[label] 120/800 (15.0%) 3.2 it/s ETA 3m32s".
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace hcdc {

void init_logging(const std::string& level);  // "info", "debug", "warn", ...

class Progress {
 public:
  Progress(std::string label, std::int64_t total, double min_interval_s = 5.0);
  void step(std::int64_t n = 1);  // logs at most every min_interval_s, and at completion
  std::int64_t done() const { return done_; }
  double elapsed_seconds() const;

 private:
  void report();
  std::string label_;
  std::int64_t total_, done_ = 0;
  double min_interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
};

std::string format_duration(double seconds);  // "3m32s", "1h02m", "12.3s"

}  // namespace hcdc
