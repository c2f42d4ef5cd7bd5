#include "hcdc/core/log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace hcdc {

void init_logging(const std::string& level) {
  // stderr so stdout stays clean for machine-readable output (inspect --json, summaries).
  auto logger = spdlog::stderr_color_mt("hcdc");
  logger->set_pattern("[%Y-%m-%d %H:%M:%S] [%l] %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

std::string format_duration(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  auto total = static_cast<long long>(s);
  if (total < 3600) return fmt::format("{}m{:02d}s", total / 60, static_cast<int>(total % 60));
  return fmt::format("{}h{:02d}m", total / 3600, static_cast<int>((total % 3600) / 60));
}

Progress::Progress(std::string label, std::int64_t total, double min_interval_s)
    : label_(std::move(label)), total_(total), min_interval_s_(min_interval_s),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::step(std::int64_t n) {
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  if (done_ >= total_ || std::chrono::duration<double>(now - last_).count() >= min_interval_s_) {
    last_ = now;
    report();
  }
}

void Progress::report() {
  double el = elapsed_seconds();
  double rate = el > 0 ? static_cast<double>(done_) / el : 0.0;
  double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
  double pct = total_ > 0 ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100.0;
  spdlog::info("[{}] {}/{} ({:.1f}%) {:.2f} it/s elapsed {} ETA {}", label_, done_, total_, pct, rate,
               format_duration(el), format_duration(eta));
}

}  // namespace hcdc
