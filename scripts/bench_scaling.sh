#!/usr/bin/env bash
# Strong scaling of distributed HCDC, 1 → 2 ranks, on the same job and condensation, in one run.
# Each run's timing and traffic are written into its condensed file (attributes seconds,
# seconds_per_step, bytes_per_step, ranks); this prints the efficiency T1 / (2 · T2).
# Usage: scripts/bench_scaling.sh [JOB.toml] [BUDGET]    (default: jobs/table2_cora.toml 0.018)
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-jobs/table2_cora.toml}
budget=${2:-0.018}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=results/bench-scaling
mkdir -p "$out"
for n in 1 2; do
  sed -e "s|^output_dir = .*|output_dir = \"$out/ranks$n\"|" -e "s|^threads = .*||" "$job" \
    | sed -e "s|^\[job\]|[job]\nthreads = 1|" > "$out/job$n.toml"
  rm -rf "$out/ranks$n/checkpoints"
  mpirun --oversubscribe -np $n ./build/src/hcdc condense "$out/job$n.toml" --budget "$budget" 2>&1 | grep "condense:"
done
/usr/bin/python3 - "$out" <<'PY'
import sys, h5py
o = sys.argv[1]
a = {n: dict(h5py.File(f"{o}/ranks{n}/condensed-hcdc.h5", "r").attrs) for n in (1, 2)}
t1, t2 = a[1]["seconds"], a[2]["seconds"]
print(f"1 rank: {t1:.1f}s, 2 ranks: {t2:.1f}s -> speed-up {t1 / t2:.2f}, efficiency {t1 / (2 * t2):.1%}; "
      f"{a[2]['bytes_per_step']:.0f} bytes communicated per step (2 ranks)")
PY
