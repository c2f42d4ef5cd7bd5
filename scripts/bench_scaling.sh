#!/usr/bin/env bash
# Strong scaling of distributed HCDC, 1 → 2 ranks, on the same job and condensation, in one run.
# Each run's timing and traffic are written into its condensed file (attributes seconds,
# seconds_per_step, bytes_per_step, ranks); this prints the efficiency T1 / (2 · T2).
# The pair is repeated (default 3 times, the order alternating so neither side always runs on a
# cold or a warm machine) and every pair is reported with the median: one pair on a shared 2-core
# machine is noise-prone.
# Usage: scripts/bench_scaling.sh [JOB.toml] [BUDGET] [REPEATS]   (default: jobs/table2_cora.toml 0.018 3)
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-jobs/table2_cora.toml}
budget=${2:-0.018}
repeats=${3:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=results/bench-scaling
mkdir -p "$out"
for n in 1 2; do
  sed -e "s|^output_dir = .*|output_dir = \"$out/ranks$n\"|" -e "s|^threads = .*||" "$job" \
    | sed -e "s|^\[job\]|[job]\nthreads = 1|" > "$out/job$n.toml"
done
run() {  # run N REPEAT: one condensation on N ranks, its timing kept as ranks N, repeat R
  rm -rf "$out/ranks$1/checkpoints"
  mpirun --oversubscribe -np "$1" ./build/src/hcdc condense "$out/job$1.toml" --budget "$budget" 2>&1 | grep "condense:"
  cp "$out/ranks$1/condensed-hcdc.h5" "$out/ranks$1-r$2.h5"
}
for r in $(seq 1 "$repeats"); do
  if (( r % 2 )); then run 1 "$r"; run 2 "$r"; else run 2 "$r"; run 1 "$r"; fi
done
/usr/bin/python3 - "$out" "$repeats" <<'PY'
import sys, statistics, h5py
o, repeats = sys.argv[1], int(sys.argv[2])
effs = []
for r in range(1, repeats + 1):
    a = {n: dict(h5py.File(f"{o}/ranks{n}-r{r}.h5", "r").attrs) for n in (1, 2)}
    t1, t2 = a[1]["seconds"], a[2]["seconds"]
    effs.append(t1 / (2 * t2))
    print(f"pair {r}: 1 rank {t1:.1f}s, 2 ranks {t2:.1f}s -> speed-up {t1 / t2:.2f}, efficiency {effs[-1]:.1%}; "
          f"{a[2]['bytes_per_step']:.0f} bytes communicated per step (2 ranks)")
print(f"strong-scaling efficiency 1 -> 2 ranks: median {statistics.median(effs):.1%} "
      f"(min {min(effs):.1%}, max {max(effs):.1%}) over {repeats} pairs")
PY
