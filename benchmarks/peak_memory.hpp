#pragma once
// Peak resident memory of one benchmark (Linux): writing 5 to /proc/self/clear_refs resets
// VmHWM, so each benchmark sees its own peak. malloc_trim first: memory freed by the previous
// benchmark would otherwise stay resident and hide this benchmark's peak.
#include <malloc.h>

#include <fstream>
#include <string>

namespace hcdc::bench {

inline void reset_peak_rss() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

inline double status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1));
  return 0;
}

// Extra peak memory (MiB) of what runs between start() and extra_mb().
class PeakMemory {
 public:
  void start() {
    reset_peak_rss();
    rss0_ = status_kb("VmRSS");
  }
  double extra_mb() const { return (status_kb("VmHWM") - rss0_) / 1024.0; }

 private:
  double rss0_ = 0;
};

}  // namespace hcdc::bench
