#!/usr/bin/env bash
# An image experiment (`hcdc run` with the image-cell family) under mpirun, as run_ranks.sh does
# for graphs: the ground truth split by candidates and the runs by rounds must not change the
# results — 1 rank vs 2 ranks, results.h5 equal bitwise but the timings; then a kill -9 of the
# 2-rank job once a run has finished and `--resume`: finished runs reused, the same results.
# Usage: image_ranks.sh HCDC MPIEXEC NPFLAG TMPDIR
set -uo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/image_ranks
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
kind = "gaussian-images"
num_images = 300
num_classes = 3
channels = 1
height = 8
width = 8
noise = 3.0
num_val = 60
num_test = 60
[images]
train_per_class = 40
val_per_class = 20
test_per_class = 20
pool = 1
[search]
kind = "cell"
family = "image-cell"
num_candidates = 8
cell_nodes = 3
widths = [4, 6]
seed = 1
[evaluate]
truth_seeds = 1
truth_epochs = 20
truth_batch_size = 50
proxy_epochs = 40
[condense]
methods = ["random", "dc", "hcdc"]
budgets = [0.1]
val_fraction = 0.5
seeds = [0, 1]
[matching]
iterations = 3
inner = 2
image_width = 4
[hcdc]
trajectories = 3
outer_iterations = 1
trajectory_steps = 10
lambda_every = 5
max_diverged_share = 1.0
TOML
  echo "$tmp/$1.toml"
}

"$hcdc" run "$(job one)" > "$tmp/one.log" 2>&1 || fail "1 rank"
$mpiexec $npflag 2 --oversubscribe "$hcdc" run "$(job r2)" > "$tmp/r2.log" 2>&1 || fail "2 ranks"
grep -q "on each of 2 ranks" "$tmp/r2.log" || fail "the 2-rank job did not run on 2 ranks"
same "$tmp/one/results.h5" "$tmp/r2/results.h5" || fail "2 ranks give another results.h5 than 1 rank"
echo "ok: an image experiment on 2 ranks gives the 1-rank results bitwise"

j=$(job kill)
setsid $mpiexec $npflag 2 --oversubscribe "$hcdc" run "$j" > "$tmp/kill.log" 2>&1 &
pid=$!
wait_for_finished_run "$tmp/kill"
kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done_before=$(runs_done "$tmp/kill") || fail "no results.h5 before the kill"
[ "$done_before" -ge 1 ] || fail "no finished run before the kill"
$mpiexec $npflag 2 --oversubscribe "$hcdc" run "$j" --resume > "$tmp/again.log" 2>&1 || fail "--resume after kill -9"
reused=$(grep -c "reusing the finished run" "$tmp/again.log")
[ "$reused" -eq "$done_before" ] || fail "reused $reused runs, expected $done_before"
same "$tmp/one/results.h5" "$tmp/kill/results.h5" || fail "killed and continued image job differs from the uninterrupted one"
echo "ok: kill -9 after $done_before of 6 runs, --resume reused them and gave the same results bitwise"
