# Sourced by the sbatch scripts: runs a command that stops at its next safe point on SIGUSR1 or
# SIGTERM with exit code 3 (hcdc's "stopped, resumable"), forwards those signals from the batch
# shell to it, and requeues the job when it stopped that way.
#   run_preemptible NAME COMMAND [ARG...]
run_preemptible() {
  local name=$1
  shift
  "$@" &
  local child=$!
  # shellcheck disable=SC2064  # the child's pid is fixed now
  trap "echo \"$name: caught USR1, asking the ranks to stop at the next safe point\"; kill -USR1 $child 2>/dev/null" USR1
  trap "echo \"$name: caught TERM, asking the ranks to stop at the next safe point\"; kill -TERM $child 2>/dev/null" TERM
  local rc=0
  wait "$child" || rc=$?
  # A trapped signal interrupts `wait`; wait again for the real exit status.
  while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" || rc=$?; done
  if [ "$rc" -eq 3 ]; then
    echo "$name: stopped at a safe point (exit 3): requeueing job ${SLURM_JOB_ID}"
    scontrol requeue "$SLURM_JOB_ID"
    return 0
  fi
  return "$rc"
}
