#!/usr/bin/env bash
# One command: install dependencies, build, run every test (unit, Python, CLI, MPI, Slurm), then
# the unit tests and the bad-input end-to-end tests again under ASan + UBSan (./build-sanitize;
# HCDC_SKIP_SANITIZE=1 leaves that pass out).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j "$jobs"
if [ "${HCDC_SKIP_SANITIZE:-0}" != 1 ]; then
  start=$(date +%s)
  # -O1: the sanitizers need no speed here, and it compiles about twice as fast as -O3 on 2 cores.
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 -DHCDC_SANITIZE=ON \
        -DHCDC_BUILD_BENCHMARKS=OFF -DHCDC_WITH_NCCL=OFF >/dev/null
  cmake --build build-sanitize -j "$jobs" --target hcdc hcdc_unit_tests
  echo "sanitize build: done in $(( $(date +%s) - start )) s"
  ctest --test-dir build-sanitize -L sanitize --output-on-failure -j "$jobs"
fi
