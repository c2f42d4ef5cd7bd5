#include "hcdc/core/workers.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hcdc {

int default_workers() { return std::max(at::get_num_threads(), 1); }

void run_on_workers(std::size_t count, const std::function<void(std::size_t)>& work, int workers,
                    const std::function<void(std::size_t)>& after_each) {
  const int intra_op = default_workers();
  if (workers <= 0) workers = intra_op;
  const auto active = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(workers), count));
  std::atomic<std::size_t> next{0};
  std::mutex serial;
  std::exception_ptr failure;
  auto loop = [&] {
    at::set_num_threads(1);
    for (std::size_t i; (i = next.fetch_add(1)) < count;) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(serial);
        if (!failure) failure = std::current_exception();
        next = count;
        return;
      }
      if (after_each) {
        std::lock_guard<std::mutex> lock(serial);
        after_each(i);
      }
    }
  };
  {
    std::vector<std::thread> pool;
    for (int w = 1; w < active; ++w) pool.emplace_back(loop);
    loop();
    for (auto& t : pool) t.join();
  }
  at::set_num_threads(intra_op);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace hcdc
