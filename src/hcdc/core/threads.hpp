#pragma once
namespace hcdc {

// Chooses the intra-op thread count: the command line's --threads wins, then an explicit request
// (> 0, e.g. a job file's), then SLURM_CPUS_PER_TASK, then the hardware. Debian's LibTorch
// defaults to one thread, so we always set it explicitly.
int resolve_thread_count(int requested);
void set_command_line_threads(int n);  // 0: not given
// Resolves and applies it to LibTorch; returns the count in force.
int configure_threads(int requested);

}  // namespace hcdc
