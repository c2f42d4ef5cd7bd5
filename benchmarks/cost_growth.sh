#!/usr/bin/env bash
# How time and peak memory of each stage grow with the graph: for each size n, a degree-corrected
# cSBM (mean degree 20, 128 features, 10 classes, γ = 2.5, the arxiv preset's homophily and signal,
# arxiv's 53.7/17.6/28.7 % split) is generated, then the stages run as separate commands, each
# under /usr/bin/time (wall seconds, peak resident memory):
#   generate  hcdc generate csbm                       (writes graph.h5)
#   load      hcdc validate                            (reads and checks every array)
#   truth     hcdc evaluate JOB                        (8 candidates × 1 seed on the whole graph)
#   condense  hcdc condense JOB --method hcdc          (HCDC at c_train = n / 1000)
#   proxy     hcdc evaluate JOB --proxy condensed.h5   (the same 8 candidates on the condensed pair)
# Then benchmarks/cost_growth_report.py fits the exponent of each stage against the edge count
# and writes OUT_DIR/cost_growth.{md,png} (REPORT_MD=docs/results/cost_growth.md for the docs).
# Usage: [SIZES="10000 100000 1000000"] [HCDC=build/src/hcdc] benchmarks/cost_growth.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
HCDC=${HCDC:-build/src/hcdc}
SIZES=${SIZES:-"10000 100000 1000000"}
out=${1:-results/cost-growth}
job=benchmarks/cost_growth.toml
mkdir -p "$out"
tsv=$out/stages.tsv
printf "n\tedges\tstage\twall_s\tpeak_mib\n" > "$tsv"
timed() {  # timed N EDGES STAGE COMMAND...
  local n=$1 edges=$2 stage=$3
  shift 3
  /usr/bin/time -f "%e %M" -o "$out/time.tmp" "$@" > "$out/n$n/$stage.log" 2>&1 || {
    echo "cost_growth: stage $stage at n=$n failed; see $out/n$n/$stage.log" >&2
    exit 1
  }
  read -r wall kb < "$out/time.tmp"
  printf "%s\t%s\t%s\t%s\t%.1f\n" "$n" "$edges" "$stage" "$wall" "$(echo "$kb / 1024" | bc -l)" >> "$tsv"
  echo "n=$n $stage: ${wall}s, $((kb / 1024)) MiB"
}
for n in $SIZES; do
  d=$out/n$n
  rm -rf "$d" && mkdir -p "$d"
  train=$((n * 537 / 1000)) val=$((n * 176 / 1000)) test=$((n * 287 / 1000))
  timed "$n" 0 generate "$HCDC" generate csbm --out "$d/graph.h5" --nodes "$n" --classes 10 --features 128 \
    --avg-degree 20 --degree-exponent 2.5 --homophily 0.3 --signal 2.3 --train "$train" --val "$val" \
    --test "$test" --seed 0
  edges=$(/usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1])['adjacency/indices'].shape[0] // 2)" "$d/graph.h5")
  sed -i "s/^$n\t0\t/$n\t$edges\t/" "$tsv"
  set_args=(--set "dataset.path=\"$d/graph.h5\"" --set "job.output_dir=\"$d/run\"")
  timed "$n" "$edges" load "$HCDC" validate "$d/graph.h5"
  timed "$n" "$edges" truth "$HCDC" evaluate "$job" "${set_args[@]}"
  timed "$n" "$edges" condense "$HCDC" condense "$job" --method hcdc "${set_args[@]}"
  timed "$n" "$edges" proxy "$HCDC" evaluate "$job" --proxy "$d/run/condensed-hcdc.h5" "${set_args[@]}"
done
rm -f "$out/time.tmp"
/usr/bin/python3 benchmarks/cost_growth_report.py "$tsv" --md "${REPORT_MD:-$out/cost_growth.md}"
