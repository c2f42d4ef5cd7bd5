#!/usr/bin/env bash
# Runs a test that needs the Planetoid Cora files, or reports it skipped to ctest (exit 77,
# SKIP_RETURN_CODE) with one line naming the path looked at and the variable that sets it.
# A user's clone has no ../shared: its Cora tests are skipped, never silently passed.
# Usage: needs_planetoid.sh DIR -- COMMAND [ARG...]
set -uo pipefail
dir=${1:?usage: needs_planetoid.sh DIR -- COMMAND...}
shift
[ "${1:-}" = "--" ] && shift
for part in x y tx ty allx ally graph test.index; do
  if [ ! -f "$dir/ind.cora.$part" ]; then
    echo "SKIPPED: Cora (Planetoid) not found: no $dir/ind.cora.$part; set HCDC_PLANETOID_DIR (cmake -DHCDC_PLANETOID_DIR=DIR, or the environment variable at configure time) to the folder holding ind.cora.*"
    exit 77
  fi
done
exec "$@"
