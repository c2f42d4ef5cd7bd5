#!/usr/bin/env bash
# hcdc's hypergradient vs hypertorch's, side by side in one run (1 thread each, alternating
# rounds), through the peers' own script ../shared/peers/compare-hypergrad.sh; then whether both
# give the same hypergradient at the same point (hcdc_hypergrad_point writes hcdc's θ, λ and
# hypergradients, hypergrad_equality.py recomputes them with hypertorch; exit 1 when they differ
# by more than HCDC_EQUALITY_TOLERANCE, default 1e-4 relative). Skips (exit 0,
# one line saying what is missing) when the peers, Cora or Debian's python3-torch are not here.
# Usage: benchmarks/compare_hypergrad.sh [BUILD_DIR] [ROUNDS]     (from anywhere)
# Paths: HCDC_PEERS_DIR (default ../shared/peers), HCDC_PLANETOID_DIR (default
# ../shared/datasets/planetoid), both relative to the project root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
rounds=${2:-3}
cd "$root"
peers=${HCDC_PEERS_DIR:-../shared/peers}
planetoid=${HCDC_PLANETOID_DIR:-../shared/datasets/planetoid}
skip() { echo "SKIPPED: $*"; exit 0; }
[ -x "$peers/compare-hypergrad.sh" ] || skip "no $peers/compare-hypergrad.sh (set HCDC_PEERS_DIR)"
[ -d "$peers/hypertorch/hypergrad" ] || skip "no hypertorch package in $peers/hypertorch (set HCDC_PEERS_DIR)"
[ -f "$planetoid/ind.cora.x" ] || skip "Cora not found: no $planetoid/ind.cora.x (set HCDC_PLANETOID_DIR)"
/usr/bin/python3 -c 'import torch' 2>/dev/null || skip "hypertorch needs Debian's python3-torch (apt-get install python3-torch)"
for exe in hcdc_bench_hypergrad hcdc_hypergrad_point; do
  [ -x "$build/benchmarks/$exe" ] || { echo "no $build/benchmarks/$exe: build first (bash scripts/build.sh)"; exit 1; }
done
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores"
bash "$peers/compare-hypergrad.sh" "$build" "$planetoid" "$peers/hypertorch" "$rounds"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 analysis/import_planetoid.py --root "$planetoid" --name cora --out "$tmp/cora.h5" >/dev/null
"$build/benchmarks/hcdc_hypergrad_point" "$tmp/cora.h5" "$tmp/point.h5"
/usr/bin/python3 benchmarks/hypergrad_equality.py "$tmp/cora.h5" "$tmp/point.h5" "$peers/hypertorch" \
  "${HCDC_EQUALITY_TOLERANCE:-1e-4}"
