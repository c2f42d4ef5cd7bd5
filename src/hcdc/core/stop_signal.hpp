#pragma once
// SIGTERM / SIGUSR1 (Slurm's warning before a time limit or a preemption) as a request to stop at
// the next safe point: the handler only records the signal; the program checks it where state can
// be saved (a checkpoint, a finished run), agrees on it across ranks there, and exits with
// kExitPreempted so the batch script requeues the job.
namespace hcdc {

// Installs the handlers for SIGTERM and SIGUSR1.
void install_stop_handlers();
// The signal caught since the handlers were installed, or 0.
int stop_signal();

}  // namespace hcdc
