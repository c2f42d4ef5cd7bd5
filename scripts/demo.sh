#!/usr/bin/env bash
# One command: install dependencies, build, and run the main job end to end, then print its
# summary table. Default data: a generated contextual-SBM graph (jobs/demo.toml).
#   scripts/demo.sh --cora [PLANETOID_DIR]   run on Cora instead (default ../shared/datasets/planetoid)
#   scripts/demo.sh JOB.toml                 run another job file
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
job=jobs/demo.toml
if [ "${1:-}" = "--cora" ]; then
  planetoid=${2:-../shared/datasets/planetoid}
  mkdir -p results
  /usr/bin/python3 analysis/import_planetoid.py --root "$planetoid" --name cora --out results/cora.h5
  job=jobs/demo_cora.toml
elif [ -n "${1:-}" ]; then
  job=$1
fi
start=$(date +%s)
./build/src/hcdc run "$job"
echo "demo: $job finished in $(( $(date +%s) - start )) s"
