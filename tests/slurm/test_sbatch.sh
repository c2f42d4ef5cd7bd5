#!/usr/bin/env bash
# The sbatch path on a real Slurm cluster of two nodes on this host (started here):
#  1. slurm/pipeline.sh on 2 nodes: generate → condense (4 ranks, 2 a node) ∥ ground truth as a
#     2-task job array → merge → the experiment (slurm/run.sbatch, 4 ranks on 2 nodes, reusing the
#     merged ground truth) → analysis, chained with afterok; every HDF5 output validated; each node
#     holds one copy of the graph's blocks (two leaders, 2 ranks each); the merged ground truth
#     equals one computed in a single process, and the two-node experiment's results a 1-rank run's.
#  2. Preemption: USR1 to the batch shell of slurm/condense.sbatch mid-run → checkpoint, exit 3,
#     requeue, resume; the final S_val equals an uninterrupted run's bitwise (deterministic mode).
#  3. The whole experiment through slurm/run.sbatch on 2 ranks: USR1 after the first finished run
#     → stop after the round, exit 3, requeue, continue; results equal an uninterrupted run's.
# The cluster is the private one of tests/slurm/cluster.sh in CLUSTER_DIR (started by the ctest
# fixture slurm_cluster_start, stopped by slurm_cluster_stop whether this test passes or not);
# started here too when run by hand. Exit 77 (skipped) where it cannot run (not root, no Slurm).
# Usage: test_sbatch.sh HCDC TMPDIR CLUSTER_DIR
set -uo pipefail
hcdc=$1 tmp=$2/slurm cluster=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fail() {
  echo "FAIL: $*"
  echo "== squeue / sinfo / the controller's jobs"; squeue -a 2>&1 | tail -5; sinfo 2>&1 | tail -3
  scontrol show job -o 2>&1 | tail -3 | cut -c1-600
  for f in "$tmp"/*.out "$tmp"/*/*.out; do [ -f "$f" ] && { echo "== $f"; tail -20 "$f"; }; done
  exit 1
}
bash "$here/cluster.sh" check || exit $?
eval "$(bash "$here/cluster.sh" start "$cluster")" || fail "no Slurm cluster"
[ -n "${SLURM_CONF:-}" ] || fail "no SLURM_CONF"
rm -rf "$tmp" && mkdir -p "$tmp"
export HCDC=$hcdc OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export HCDC_LAUNCH="mpirun --oversubscribe -np 2"

job_state() {  # the controller's state of job $1 (scontrol keeps finished jobs for MinJobAge)
  scontrol show job -o "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'
}
wait_jobs() {  # wait until every given job has reached a final state (not merely left squeue:
  # a requeued job is briefly in neither list, then pending again)
  for i in $(seq 1 900); do
    local left=0 j st
    for j in "$@"; do
      # One line per task for a job array; every one must be final.
      for st in $(job_state "$j"); do
        case $st in
          COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) ;;
          *) left=1 ;;
        esac
      done
      [ -n "$(job_state "$j")" ] || left=1
    done
    [ $left -eq 0 ] && return 0
    # A job whose dependency failed would wait forever: that is a failure now.
    for j in "$@"; do
      if squeue -h -j "$j" -o "%r" 2>/dev/null | grep -q DependencyNeverSatisfied; then
        squeue -h -o "%i %j %r" >&2; scancel "$@" 2>/dev/null; return 1
      fi
    done
    sleep 1
  done
  return 1
}

job() {  # job(name outer_iterations): a small experiment job file
  cat > "$tmp/$1.toml" <<TOML
[job]
name = "$1"
seed = 0
threads = 1
output_dir = "$tmp/$1"
[dataset]
kind = "csbm"
num_nodes = 300
num_classes = 3
num_features = 10
train_per_class = 20
num_val = 60
num_test = 60
[search]
num_candidates = 8
hidden = 8
[evaluate]
truth_seeds = 1
truth_epochs = 40
proxy_epochs = 40
[condense]
methods = ["random", "hcdc"]
budgets = [0.04]
val_fraction = 0.5
seeds = [0]
[hcdc]
trajectories = 4
outer_iterations = $2
trajectory_steps = 40
lambda_every = 4
# The plumbing is under test here, not HCDC's quality (40-step trajectories: some solves diverge).
max_diverged_share = 1.0
[dist]
deterministic = true
checkpoint_every = 8
TOML
  echo "$tmp/$1.toml"
}

wait_requeued() {  # wait_requeued JID OUT: the job requeues itself (Restarts >= 1), its restart
  # starts (the sbatch script writes "restart N of job" to OUT), then the job ends. Slurm holds a
  # requeued job ~2 minutes (Reason=BeginTime): it is started at once instead. The job's state passes
  # through CANCELLED, and under load briefly COMPLETED, while it is requeued, so neither the state
  # nor the restart count alone tells that the restarted run has finished.
  # The hold is lifted only after 3 s: a requeued job launched at once can reach slurmd while it
  # still finishes the killed instance ("Job N already killed, do not launch batch job"), and the
  # job then fails instead of restarting.
  local i line started held=0
  for i in $(seq 1 1500); do
    # The restart line is looked for before the state is read, so a final state read after it
    # belongs to the restarted run.
    started=0
    grep -q "restart [0-9]* of job $1" "$2" 2>/dev/null && started=1
    line=$(scontrol show job -o "$1" 2>/dev/null)
    if [[ $line == *"Reason=BeginTime"* ]]; then
      held=$((held + 1))
      [ "$held" -ge 15 ] && scontrol update jobid="$1" starttime=now >/dev/null 2>&1
    fi
    if [ "$started" = 1 ] && [[ $line =~ JobState=(COMPLETED|FAILED|TIMEOUT) ]]; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# 1. The pipeline, on two nodes.
cd "$root"
[ "$(sinfo -h -N -o %N | sort -u | wc -l)" -ge 2 ] || fail "the test cluster has fewer than 2 nodes"
# mpirun takes the rank count and the nodes from the allocation (4 ranks, 2 on each node). The
# ranks talk over TCP only: Open MPI names its shared-memory transport's files by the host name,
# which both test nodes share (the ranks of the two nodes would map each other's segments).
ids=$(OMPI_MCA_btl=self,tcp HCDC_LAUNCH="mpirun --oversubscribe" bash slurm/pipeline.sh "$(job pipe 1)" --nodes 2 --ntasks 4) \
  || fail "pipeline submission"
echo "pipeline jobs: $ids"
wait_jobs $ids || fail "pipeline did not finish"
for f in "$tmp/pipe/dataset.h5" "$tmp/pipe/condensed-hcdc.h5" "$tmp/pipe/truth-slice-0-of-2.h5" \
         "$tmp/pipe/truth-slice-1-of-2.h5" "$tmp/pipe/truth.h5" "$tmp/pipe/results.h5"; do
  "$hcdc" validate "$f" || fail "$f does not validate"
done
[ -s "$tmp/pipe/summary_py.png" ] && [ -s "$tmp/pipe/summary_py.md" ] || fail "analysis outputs missing"
grep -q "ground truth: reusing" "$tmp"/experiment-*.out || fail "hcdc run did not reuse the merged ground truth"
for stage in condense experiment; do
  # Slurm gave the stage two nodes, and each node's first rank built the blocks for its 2 ranks.
  j=$(echo "$ids" | cut -d' ' -f$([ $stage = condense ] && echo 2 || echo 5))
  [ "$(scontrol show job -o "$j" | sed -n 's/.* NumNodes=\([0-9]*\) .*/\1/p')" = 2 ] || fail "$stage: not on 2 nodes"
  [ "$(grep -c "one copy of the blocks per node .* shared by 2 ranks" "$tmp"/$stage-*.out)" = 2 ] \
    || fail "$stage: not one copy of the blocks on each of the 2 nodes"
done
"$hcdc" run "$tmp/pipe.toml" --set "job.output_dir=\"$tmp/pipe-single\"" > "$tmp/pipe-single.log" 2>&1 \
  || fail "single-process experiment"
/usr/bin/python3 analysis/compare_results.py "$tmp/pipe-single/results.h5" "$tmp/pipe/results.h5" --runs 2 \
  || fail "the two-node experiment's results differ from a single-process run's"
"$hcdc" evaluate "$tmp/pipe.toml" --out "$tmp/truth-single.h5" | grep "evaluate:" || fail "single-process ground truth"
/usr/bin/python3 - "$tmp" <<'PY' || fail "merged ground truth differs from the single-process one"
import sys, h5py, numpy as np
t = sys.argv[1]
a, b = h5py.File(f"{t}/pipe/truth.h5", "r")["rows"], h5py.File(f"{t}/truth-single.h5", "r")["rows"]
for k in ("candidate", "proxy", "seed", "score", "val_loss", "test_acc"):
    assert np.array_equal(a[k][:], b[k][:]), k
print("ok: the job array's merged ground truth equals the single-process one")
PY
echo "ok: pipeline on 2 nodes (7 jobs: import, condense, 2 array tasks, merge, experiment, analysis): valid outputs, one copy of the blocks a node, the results of a single-process run"

# 2. Preemption and requeue.
ref=$(job ref 8)
mpirun --oversubscribe -np 2 "$hcdc" condense "$ref" 2>&1 | grep "condense:" || fail "reference run"
pre=$(job pre 8)
# (compgen, not ls: checkpoint rotation may remove a listed file between the glob and ls.)
jid=$(sbatch --parsable --ntasks=2 --output="$tmp/pre-%j.out" slurm/condense.sbatch "$pre") || fail "sbatch"
for i in $(seq 1 600); do compgen -G "$tmp/pre/checkpoints/*.h5" >/dev/null && break; sleep 0.1; done
compgen -G "$tmp/pre/checkpoints/*.h5" >/dev/null || fail "no checkpoint before the signal"
scancel --signal=USR1 --batch "$jid" || fail "scancel --signal"
wait_requeued "$jid" "$tmp/pre-$jid.out" || fail "preempted job did not requeue and finish"
grep -q "requeueing" "$tmp/pre-$jid.out" || fail "the job was not requeued"
grep -q "resuming" "$tmp/pre-$jid.out" || fail "the requeued job did not resume"
/usr/bin/python3 - "$tmp" <<'PY' || fail "S_val differs"
import sys, h5py, numpy as np
t = sys.argv[1]
a = h5py.File(f"{t}/ref/condensed-hcdc.h5", "r")["val/x"][:]
b = h5py.File(f"{t}/pre/condensed-hcdc.h5", "r")["val/x"][:]
assert np.array_equal(a, b)
print("ok: preempted (USR1), requeued, resumed job reproduces the uninterrupted S_val bitwise")
PY

# 3. The whole experiment, preempted and requeued.
exp_ref=$(job expref 8)
"$hcdc" run "$exp_ref" --set 'condense.seeds=[0,1,2]' > "$tmp/expref.log" 2>&1 || fail "reference experiment"
exp=$(job exp 8)
jid=$(sbatch --parsable --ntasks=2 --output="$tmp/exp-%j.out" slurm/run.sbatch "$exp" --set 'condense.seeds=[0,1,2]') || fail "sbatch run.sbatch"
for i in $(seq 1 1200); do
  /usr/bin/python3 -c "import h5py,sys; sys.exit(0 if h5py.File('$tmp/exp/results.h5','r').attrs['runs_done'] >= 1 else 1)" 2>/dev/null && break
  sleep 0.05
done
scancel --signal=USR1 --batch "$jid" || fail "scancel --signal (experiment)"
wait_requeued "$jid" "$tmp/exp-$jid.out" || fail "preempted experiment did not requeue and finish"
grep -q "requeueing" "$tmp/exp-$jid.out" || fail "the experiment was not requeued"
grep -q "reusing the finished run" "$tmp/exp-$jid.out" || fail "the requeued experiment redid its finished runs"
/usr/bin/python3 analysis/compare_results.py "$tmp/expref/results.h5" "$tmp/exp/results.h5" --runs 6 \
  || fail "the preempted experiment's results differ"
echo "ok: the experiment, preempted (USR1) and requeued on 2 ranks, equals the uninterrupted 1-rank run"
