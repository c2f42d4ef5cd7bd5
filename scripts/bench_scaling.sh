#!/usr/bin/env bash
# Strong scaling of distributed HCDC, 1 → 2 ranks, on the same job and condensation, in one run.
# Each run's timing and traffic are written into its condensed file (attributes seconds,
# seconds_per_step, bytes_per_step, ranks); this prints the efficiency T1 / (2 · T2).
# The pair is repeated (default 3 times, the order alternating so neither side always runs on a
# cold or a warm machine) and every pair is reported with the median: one pair on a shared 2-core
# machine is noise-prone.
# A control runs in every repeat too: two independent 1-rank condensations at the same time (no
# communication at all). T1 / T_concurrent is the machine's own ceiling for 2 processes (shared
# caches, memory bandwidth, a hypervisor's scheduling), against which the MPI efficiency is read.
# Usage: scripts/bench_scaling.sh [JOB.toml] [BUDGET] [REPEATS]   (default: jobs/table2_cora.toml 0.018 3)
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-jobs/table2_cora.toml}
budget=${2:-0.018}
repeats=${3:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=results/bench-scaling
mkdir -p "$out"
for n in 1 2 c0 c1; do
  sed -e "s|^output_dir = .*|output_dir = \"$out/ranks$n\"|" -e "s|^threads = .*||" "$job" \
    | sed -e "s|^\[job\]|[job]\nthreads = 1|" > "$out/job$n.toml"
done
run() {  # run N REPEAT: one condensation on N ranks, its timing kept as ranks N, repeat R
  rm -rf "$out/ranks$1/checkpoints"
  mpirun --oversubscribe -np "$1" ./build/src/hcdc condense "$out/job$1.toml" --budget "$budget" 2>&1 | grep "condense:"
  cp "$out/ranks$1/condensed-hcdc.h5" "$out/ranks$1-r$2.h5"
}
concurrent() {  # concurrent REPEAT: two independent 1-rank runs at once (the control)
  for c in c0 c1; do
    rm -rf "$out/ranks$c/checkpoints"
    ./build/src/hcdc condense "$out/job$c.toml" --budget "$budget" > /dev/null 2>&1 &
  done
  wait
  for c in c0 c1; do cp "$out/ranks$c/condensed-hcdc.h5" "$out/ranks$c-r$1.h5"; done
}
for r in $(seq 1 "$repeats"); do
  if (( r % 2 )); then run 1 "$r"; run 2 "$r"; concurrent "$r"; else concurrent "$r"; run 2 "$r"; run 1 "$r"; fi
done
/usr/bin/python3 - "$out" "$repeats" <<'PY'
import sys, statistics, h5py
o, repeats = sys.argv[1], int(sys.argv[2])
effs, ceils = [], []
for r in range(1, repeats + 1):
    a = {n: dict(h5py.File(f"{o}/ranks{n}-r{r}.h5", "r").attrs) for n in ("1", "2", "c0", "c1")}
    t1, t2 = a["1"]["seconds"], a["2"]["seconds"]
    tc = (a["c0"]["seconds"] + a["c1"]["seconds"]) / 2
    effs.append(t1 / (2 * t2))
    ceils.append(t1 / tc)
    print(f"repeat {r}: 1 rank {t1:.1f}s, 2 ranks {t2:.1f}s -> speed-up {t1 / t2:.2f}, efficiency {effs[-1]:.1%}; "
          f"{a['2']['bytes_per_step']:.0f} bytes/step, {a['2'].get('comm_seconds_min', 0):.2f}.."
          f"{a['2'].get('comm_seconds_max', 0):.2f}s in collectives; control: two independent 1-rank runs "
          f"{tc:.1f}s each -> machine ceiling {ceils[-1]:.1%}")
med = statistics.median
print(f"strong-scaling efficiency 1 -> 2 ranks: median {med(effs):.1%} (min {min(effs):.1%}, max {max(effs):.1%}) "
      f"over {repeats} repeats; machine ceiling (independent runs) median {med(ceils):.1%}; "
      f"efficiency relative to the ceiling {med(effs) / med(ceils):.1%}")
PY
