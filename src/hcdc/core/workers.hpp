#pragma once
// Independent pieces of work on worker threads. Small LibTorch products gain little from a second
// intra-op thread, while two independent pieces on two cores take about half the time; so each
// worker runs with one intra-op thread, and a piece's arithmetic is the same on any worker and
// for any worker count — results do not depend on the scheduling.
#include <cstddef>
#include <functional>

namespace hcdc {

// Runs work(i) for every i in [0, count) on min(workers, count) threads (workers ≤ 0: LibTorch's
// intra-op thread count at the call), the calling thread among them; then restores the intra-op
// thread count. after_each(i) runs after work(i), one call at a time. The first exception thrown
// by a piece stops the others from starting new pieces and is rethrown after all have stopped.
void run_on_workers(std::size_t count, const std::function<void(std::size_t)>& work, int workers = 0,
                    const std::function<void(std::size_t)>& after_each = {});

// The worker count run_on_workers(…, 0) uses now.
int default_workers();

}  // namespace hcdc
