#include "hcdc/core/stop_signal.hpp"

#include <csignal>

namespace hcdc {
namespace {
volatile std::sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int sig) { g_stop_signal = sig; }
}  // namespace

void install_stop_handlers() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
}

int stop_signal() { return static_cast<int>(g_stop_signal); }

}  // namespace hcdc
