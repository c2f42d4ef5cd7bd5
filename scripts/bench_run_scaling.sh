#!/usr/bin/env bash
# Strong scaling of the whole experiment (`hcdc run`: ground truth split by candidates, runs by
# rounds), 1 → 2 ranks, with the same control as scripts/bench_scaling.sh: two independent 1-rank
# experiments at once, the machine's own ceiling for two processes. Every run starts from an empty
# output folder (no cached truth, no finished runs); wall time of the whole command. Pairs are
# repeated with alternating order; the median is reported. The 1- and 2-rank results.h5 are also
# compared (rows and summary, timings aside): they must be equal bitwise.
# Usage: scripts/bench_run_scaling.sh [JOB.toml] [REPEATS] [--set KEY=VALUE ...]   (default: jobs/demo.toml 3)
# TRUTH=FILE: every run starts with FILE as its truth.h5 (a ground truth computed once, e.g. by
# `mpirun -np 2 hcdc evaluate JOB --out FILE`), so only the condensation runs are timed.
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-jobs/demo.toml}
repeats=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
extra=("$@")  # more --set flags for every run
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=results/bench-run-scaling
rm -rf "$out" && mkdir -p "$out"
hcdc=./build/src/hcdc
wall() {  # wall DIR CMD...: runs CMD with output_dir DIR (emptied first), prints seconds
  rm -rf "$1"
  local dir=$1 s e
  shift
  if [ -n "${TRUTH:-}" ]; then mkdir -p "$dir" && cp "$TRUTH" "$dir/truth.h5"; fi
  s=$(date +%s.%N)
  "$@" "${extra[@]}" --set "job.output_dir=\"$dir\"" --set job.threads=1 > "$dir.log" 2>&1
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
declare -a t1 t2 tc
for r in $(seq 1 "$repeats"); do
  one() { t1[$r]=$(wall "$out/one-r$r" "$hcdc" run "$job"); }
  two() { t2[$r]=$(wall "$out/two-r$r" mpirun --oversubscribe -np 2 "$hcdc" run "$job"); }
  control() {
    wall "$out/c0-r$r" "$hcdc" run "$job" > "$out/c0-r$r.t" &
    wall "$out/c1-r$r" "$hcdc" run "$job" > "$out/c1-r$r.t" &
    wait
    tc[$r]=$(echo "($(cat "$out/c0-r$r.t") + $(cat "$out/c1-r$r.t")) / 2" | bc -l)
  }
  if (( r % 2 )); then one; two; control; else control; two; one; fi
  echo "repeat $r: 1 rank ${t1[$r]}s, 2 ranks ${t2[$r]}s, two independent 1-rank runs ${tc[$r]}s each"
done
for r in $(seq 1 "$repeats"); do
  /usr/bin/python3 analysis/compare_results.py "$out/one-r$r/results.h5" "$out/two-r$r/results.h5" > /dev/null \
    || { echo "repeat $r: 1 and 2 ranks differ"; exit 1; }
done
/usr/bin/python3 - "$repeats" "${t1[*]}" "${t2[*]}" "${tc[*]}" <<'PY'
import sys, statistics
repeats = int(sys.argv[1])
t1, t2, tc = ([float(x) for x in s.split()] for s in sys.argv[2:5])
med = statistics.median
eff = [x / (2 * y) for x, y in zip(t1, t2)]
ceil = [x / y for x, y in zip(t1, tc)]
print(f"results.h5 of 1 and 2 ranks equal bitwise (rows, summary) in all {repeats} repeats")
print(f"hcdc run 1 -> 2 ranks: median 1 rank {med(t1):.1f}s, 2 ranks {med(t2):.1f}s, speed-up {med(t1) / med(t2):.2f}, "
      f"efficiency {med(eff):.1%} (min {min(eff):.1%}, max {max(eff):.1%}); machine ceiling (independent runs) "
      f"{med(ceil):.1%}; efficiency relative to the ceiling {med(eff) / med(ceil):.1%}")
PY
