#!/usr/bin/env bash
# One command: install dependencies, build, run every test (unit, Python, CLI; later MPI and Slurm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j "$jobs"
