#!/usr/bin/env bash
# Installs the dependencies (idempotent) and configures + builds hcdc into ./build.
# Extra arguments go to cmake, e.g. scripts/build.sh -DHCDC_BUILD_BENCHMARKS=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$jobs"
echo "build: done in $(( $(date +%s) - start )) s (./build/src/hcdc)"
