#!/usr/bin/env bash
# Where the time goes, by Linux perf: samples one hypergradient (Neumann, K = 20), one proxy search
# (80 candidates, batched and one at a time) and one HCDC outer iteration, each from its own
# benchmark at 1 thread, and prints per run the share of CPU time by kind of work (BLAS, sparse
# kernels, element-wise kernels, autograd engine, dispatch and tensor bookkeeping, allocation,
# the OS, hcdc's own code) with the heaviest symbols; then runs each once more under LibTorch's
# profiler (HCDC_TORCH_PROFILE, benchmarks/torch_profile.hpp) and prints the operators by self
# time, which names the work inside Debian's stripped libtorch. Skips (exit 0, one line) without
# perf.
# Usage: benchmarks/profile.sh [BUILD_DIR] [SECONDS_PER_RUN]      (from anywhere)
# Data: $HCDC_CORA_H5 for the hypergradient and HCDC benchmarks (else the test suite's copy,
# else a generated graph of Cora's size; each benchmark's label says which).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
seconds=${2:-10}
cd "$root"
command -v perf >/dev/null || { echo "SKIPPED: no perf (apt-get install linux-perf)"; exit 0; }
for exe in hcdc_bench_hypergrad hcdc_bench_proxy_search hcdc_bench_hcdc_step; do
  [ -x "$build/benchmarks/$exe" ] || { echo "no $build/benchmarks/$exe: build first (bash scripts/build.sh)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, perf $(perf --version | awk '{print $3}')"
profile() {  # name, then the command; the profiler's run is shorter where the command says so
  local name=$1; shift
  perf record -q -F 499 -o "$tmp/$name.data" -- "$@" >"$tmp/$name.out" 2>&1
  perf report -q -i "$tmp/$name.data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0 \
    2>/dev/null >"$tmp/$name.txt"
  HCDC_TORCH_PROFILE="$tmp/$name.json" "$@" ${TORCH_PROFILE_ARGS:-} >>"$tmp/$name.out" 2>&1
  /usr/bin/python3 benchmarks/profile_report.py "$name" "$tmp/$name.txt" "$tmp/$name.json"
}
# The profiler's trace grows by ~13 MB per second of hypergradients: 1 s of them is enough.
HCDC_BENCH_THREADS=1 TORCH_PROFILE_ARGS=--benchmark_min_time=1 profile hypergradient-neumann-K20 \
  "$build/benchmarks/hcdc_bench_hypergrad" --benchmark_filter='BM_HypergradNeumann/20$' --benchmark_min_time="$seconds"
for batch in 0 1; do
  profile "proxy-search-batch$batch" "$build/benchmarks/hcdc_bench_proxy_search" \
    --benchmark_filter="BM_ProxySearch/rows:49/features:1433/batch:$batch/threads:1/" --benchmark_repetitions=1
done
profile hcdc-outer-iteration "$build/benchmarks/hcdc_bench_hcdc_step" --benchmark_filter='threads:1/'
