#!/usr/bin/env bash
# The whole experiment (`hcdc run`) under mpirun: the ground truth split by candidates, the runs by
# rounds, rank 0 writing every file.
#  1. 1 rank vs 2 and 4 ranks (4 > the 2 runs of the second round: idle ranks): results.h5 equal
#     bitwise in every row and summary column but the timings.
#  2. kill -9 of the whole job once results.h5 holds a finished run, then `hcdc run --resume` on
#     2 ranks: the finished runs are reused (logged), none redone, an HCDC run that had
#     checkpointed continues from its checkpoint, the same results bitwise.
#  3. One HCDC driver: the experiment's HCDC run equals `hcdc condense` of the same run bitwise.
# Usage: run_ranks.sh HCDC MPIEXEC NPFLAG TMPDIR
set -uo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/run_ranks
rm -rf "$tmp" && mkdir -p "$tmp"
source "$(dirname "$0")/experiment_helpers.sh"
job() {
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
avg_degree = 5
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
methods = ["random", "herding", "hcdc"]
budgets = [0.04]
val_fraction = 0.5
seeds = [0, 1]
[hcdc]
trajectories = 3
outer_iterations = 2
trajectory_steps = 40
lambda_every = 4
neumann_alpha = 0.1
max_diverged_share = 1.0
TOML
  echo "$tmp/$1.toml"
}

"$hcdc" run "$(job one)" > "$tmp/one.log" 2>&1 || fail "1 rank"
for n in 2 4; do
  $mpiexec $npflag $n --oversubscribe "$hcdc" run "$(job r$n)" > "$tmp/r$n.log" 2>&1 || fail "$n ranks"
  same "$tmp/one/results.h5" "$tmp/r$n/results.h5" || fail "$n ranks give another results.h5 than 1 rank"
  echo "ok: $n ranks give the 1-rank results bitwise"
done
grep -q "idle in this round" "$tmp/r4.log" || fail "4 ranks for 6 runs: no idle rank logged in the second round"

j=$(job kill)
setsid $mpiexec $npflag 2 --oversubscribe "$hcdc" run "$j" > "$tmp/kill.log" 2>&1 &
pid=$!
wait_for_finished_run "$tmp/kill"
# Until an HCDC run of a later round has checkpointed (or the job ends): then kill -9.
for i in $(seq 1 600); do
  compgen -G "$tmp/kill/checkpoints/*/*.h5" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
had_checkpoint=0
compgen -G "$tmp/kill/checkpoints/*/*.h5" >/dev/null && had_checkpoint=1
kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done_before=$(runs_done "$tmp/kill") || fail "no results.h5 before the kill"
echo "killed with $done_before of 6 runs finished"
[ "$done_before" -ge 1 ] || fail "no finished run before the kill"
$mpiexec $npflag 2 --oversubscribe "$hcdc" run "$j" --resume > "$tmp/again.log" 2>&1 || fail "--resume after kill -9"
reused=$(grep -c "reusing the finished run" "$tmp/again.log")
[ "$reused" -eq "$done_before" ] || fail "reused $reused runs, expected $done_before"
if [ "$had_checkpoint" -eq 1 ]; then
  grep -q "resumed from" "$tmp/again.log" || fail "an HCDC run had checkpointed but the rerun did not resume it"
  echo "an HCDC run was killed after a checkpoint and resumed from it"
fi
same "$tmp/one/results.h5" "$tmp/kill/results.h5" || fail "killed and continued run differs from the uninterrupted one"
echo "ok: kill -9 after $done_before runs, rerun reused them and gave the same results bitwise"

"$hcdc" condense "$tmp/one.toml" --method hcdc --budget 0.04 --seed 1 > "$tmp/condense.log" 2>&1 || fail "hcdc condense"
/usr/bin/python3 - "$tmp" <<'PY' || fail "the experiment's HCDC run differs from hcdc condense of the same run"
import sys, h5py, numpy as np
t = sys.argv[1]
a = h5py.File(f"{t}/one/condensed-hcdc.h5", "r")
b = h5py.File(f"{t}/one/condensed/hcdc-4.0pct-s1.h5", "r")
for k in ("train/x", "train/y", "val/x", "val/y"):
    assert np.array_equal(a[k][:], b[k][:]), k
print("ok: the experiment's HCDC run equals `hcdc condense` of the same run bitwise (one driver)")
PY
