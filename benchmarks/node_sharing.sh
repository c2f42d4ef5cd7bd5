#!/usr/bin/env bash
# One copy of the graph per node: peak memory of all processes of a run together (summed PSS,
# benchmarks/rss_sum.sh) and wall time, for a stage that loads the whole graph, run
#   1r         on 1 rank,
#   2r-shared  on 2 ranks of one node sharing the propagated blocks (dist.share_on_node = true,
#              the default: rank 0 loads and propagates, rank 1 maps its pages),
#   2r-private on 2 ranks that each load their own (dist.share_on_node = false: the old way),
# in that order, in one session. Stages: truth (hcdc evaluate JOB: the ground truth of
# benchmarks/cost_growth.toml's 8 candidates) and condense (hcdc condense JOB --method hcdc).
# Writes OUT_DIR/node_sharing.tsv and prints a markdown table. Arguments after OUT_DIR go to every
# hcdc command (e.g. --set hcdc.g_t_train_rows=20000).
# Usage: [HCDC=build/src/hcdc] [STAGES="truth condense"] [VARIANTS="1r 2r-shared 2r-private"]
#        benchmarks/node_sharing.sh GRAPH.h5 [OUT_DIR [hcdc options…]]
#   GRAPH.h5: e.g. the 1M-node graph of benchmarks/cost_growth.sh (results/cost-growth/n1000000/graph.h5)
set -euo pipefail
cd "$(dirname "$0")/.."
HCDC=${HCDC:-build/src/hcdc}
STAGES=${STAGES:-"truth condense"}
graph=${1:?usage: benchmarks/node_sharing.sh GRAPH.h5 [OUT_DIR]}
out=${2:-results/node-sharing}
shift $(( $# < 2 ? $# : 2 ))
extra=("$@")
job=benchmarks/cost_growth.toml
[ -f "$graph" ] || { echo "node_sharing: no graph at $graph (make one with benchmarks/cost_growth.sh)" >&2; exit 2; }
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tsv=$out/node_sharing.tsv
printf "stage\tvariant\tranks\twall_s\tpeak_pss_mib\tpeak_rss_mib\n" > "$tsv"
for stage in $STAGES; do
  case $stage in
    truth) cmd=(evaluate "$job") ;;
    condense) cmd=(condense "$job" --method hcdc) ;;
    *) echo "node_sharing: unknown stage $stage (truth, condense)" >&2; exit 2 ;;
  esac
  for variant in ${VARIANTS:-1r 2r-shared 2r-private}; do
    d=$out/$stage-$variant
    rm -rf "$d"
    launch=() share=true ranks=1
    case $variant in
      2r-shared) launch=(mpirun -np 2 --bind-to none) ranks=2 ;;
      2r-private) launch=(mpirun -np 2 --bind-to none) ranks=2 share=false ;;
    esac
    start=$(date +%s.%N)
    line=$(benchmarks/rss_sum.sh "hcdc --threads 1 ${cmd[0]}" "${launch[@]}" "$HCDC" --threads 1 "${cmd[@]}" \
             --set "dataset.path=\"$graph\"" --set "job.output_dir=\"$d\"" --set "dist.share_on_node=$share" "${extra[@]}" \
             2> "$out/$stage-$variant.log" | tail -1)
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    pss=$(echo "$line" | sed -n 's/.*PSS: \([0-9]*\) MiB.*/\1/p')
    rss=$(echo "$line" | sed -n 's/.*RSS: \([0-9]*\) MiB.*/\1/p')
    printf "%s\t%s\t%s\t%.1f\t%s\t%s\n" "$stage" "$variant" "$ranks" "$wall" "$pss" "$rss" >> "$tsv"
    echo "$stage $variant: $line, ${wall%.*} s" >&2
  done
done
/usr/bin/python3 - "$tsv" <<'PY'
import sys, pandas as pd
t = pd.read_csv(sys.argv[1], sep="\t")
print("| stage | variant | ranks | wall s | peak PSS MiB (sum) | × 1 rank | peak RSS MiB (sum) |")
print("|---|---|---|---|---|---|---|")
for stage, g in t.groupby("stage", sort=False):
    one = g[g.variant == "1r"].peak_pss_mib.iloc[0]
    for _, r in g.iterrows():
        print(f"| {stage} | {r.variant} | {r.ranks} | {r.wall_s:.1f} | {r.peak_pss_mib} | {r.peak_pss_mib / one:.2f} | {r.peak_rss_mib} |")
PY
