#!/usr/bin/env bash
# Peak memory and time of loading a graph for the decoupled family, two builds side by side: a
# short ground truth (2 candidates, 1 epoch, benchmarks/cost_growth.toml) is dominated by the load
# (read, operators, propagation, split blocks). Also checks the two builds' rows are bitwise equal.
# Usage: benchmarks/load_memory.sh BEFORE_DIR AFTER_HCDC GRAPH.h5 [GRAPH.h5 ...]
#   BEFORE_DIR: a folder holding an older build's hcdc and its libhcdc_*.so (run through
#   LD_LIBRARY_PATH, which takes precedence over the executable's RUNPATH), e.g.
#   mkdir /tmp/old-src && cp build/src/hcdc build/src/*.so /tmp/old-src/   (before rebuilding)
# Graphs: e.g. the 1M-node cSBM of benchmarks/cost_growth.sh, and one with few labelled nodes
# (`hcdc generate csbm ... --train 10000 --val 5000 --test 5000`).
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2
shift 2
printf "%-28s %-7s %8s %10s\n" graph build seconds "peak MiB"
for g in "$@"; do
  declare -A out
  for side in before after; do
    if [ $side = before ]; then bin=(env LD_LIBRARY_PATH="$before" "$before/hcdc"); else bin=("$after"); fi
    out[$side]=$(mktemp -d)
    d=${out[$side]}
    /usr/bin/time -f "%e %M" -o "$d/time" "${bin[@]}" --threads 1 evaluate benchmarks/cost_growth.toml \
      --set "dataset.path=\"$g\"" --set "job.output_dir=\"$d\"" --set evaluate.truth_epochs=1 \
      --set search.num_candidates=2 --out "$d/truth.h5" > "$d/log" 2>&1 || { cat "$d/log"; exit 1; }
    read -r s kb < "$d/time"
    printf "%-28s %-7s %8s %10d\n" "$(basename "$g")" $side "$s" $((kb / 1024))
  done
  /usr/bin/python3 analysis/compare_results.py "${out[before]}/truth.h5" "${out[after]}/truth.h5"
  rm -rf "${out[before]}" "${out[after]}"
done
