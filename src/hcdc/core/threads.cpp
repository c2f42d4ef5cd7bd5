#include "hcdc/core/threads.hpp"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <string>
#include <thread>

namespace hcdc {

namespace {
int g_command_line_threads = 0;
}

void set_command_line_threads(int n) { g_command_line_threads = n; }

int resolve_thread_count(int requested) {
  if (g_command_line_threads > 0) return g_command_line_threads;
  if (requested > 0) return requested;
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK")) {
    try {
      int n = std::stoi(s);
      if (n > 0) return n;
    } catch (...) {
      // A malformed variable falls through to the hardware count.
    }
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

int configure_threads(int requested) {
  int n = resolve_thread_count(requested);
  at::set_num_threads(n);
  return n;
}

}  // namespace hcdc
