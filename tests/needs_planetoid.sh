#!/usr/bin/env bash
# Runs a test that needs the Planetoid Cora files, or reports it skipped (see needs_files.sh).
# Usage: needs_planetoid.sh DIR -- COMMAND [ARG...]
dir=${1:?usage: needs_planetoid.sh DIR -- COMMAND...}
shift
exec "$(dirname "$0")/needs_files.sh" "Cora (Planetoid)" HCDC_PLANETOID_DIR "$dir" \
  ind.cora.{x,y,tx,ty,allx,ally,graph,test.index} "$@"
