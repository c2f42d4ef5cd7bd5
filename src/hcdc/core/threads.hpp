#pragma once
namespace hcdc {

// Chooses the intra-op thread count: an explicit request (> 0) wins, then SLURM_CPUS_PER_TASK,
// then the hardware. Debian's LibTorch defaults to one thread, so we always set it explicitly.
int resolve_thread_count(int requested);
// Resolves and applies it to LibTorch; returns the count in force.
int configure_threads(int requested);

}  // namespace hcdc
