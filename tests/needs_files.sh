#!/usr/bin/env bash
# Runs a test that needs data files from ../shared, or reports it skipped to ctest (exit 77,
# SKIP_RETURN_CODE) with one line naming the path looked at and the variable that sets it.
# A user's clone has no ../shared: such tests are skipped, never silently passed.
# Usage: needs_files.sh WHAT VARIABLE DIR FILE... -- COMMAND [ARG...]
set -uo pipefail
what=${1:?usage: needs_files.sh WHAT VARIABLE DIR FILE... -- COMMAND...}
var=${2:?} dir=${3:?}
shift 3
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  if [ ! -f "$dir/$1" ]; then
    echo "SKIPPED: $what not found: no $dir/$1; set $var (cmake -D$var=DIR, or the environment variable at configure time) to the folder holding it"
    exit 77
  fi
  shift
done
[ "${1:-}" = "--" ] && shift
exec "$@"
