#!/usr/bin/env bash
# One command: install dependencies, build, and run the main job end to end on the default
# dataset (jobs/demo.toml), then print its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
job=${1:-jobs/demo.toml}
./build/src/hcdc run "$job"
