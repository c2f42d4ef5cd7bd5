#!/usr/bin/env bash
# Full-batch vs neighbour-sampled ground truth of message-passing candidates on one graph, in one
# session: `hcdc evaluate benchmarks/sampled_truth.toml` (GCN, SAGE-mean, GAT; width 64, depth 2;
# one seed) run twice under /usr/bin/time,
#   full     truth_epochs = FULL_EPOCHS (100) full-batch Adam steps on the whole graph;
#   sampled  truth_fanouts = FANOUTS ([10, 5]), truth_batch_size = BATCH (1024), truth_epochs =
#            SAMPLED_EPOCHS (3) passes over the training nodes, one Adam step per batch;
# both scored on the whole graph. Prints wall time, peak memory and each candidate's validation
# and test accuracy side by side, and writes OUT_DIR/sampled_truth.md.
# Usage: [HCDC=build/src/hcdc] [FULL_EPOCHS=100] [SAMPLED_EPOCHS=3] [FANOUTS="[10, 5]"] [BATCH=1024]
#        [SKIP_FULL=1] benchmarks/sampled_truth.sh GRAPH.h5 [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
HCDC=${HCDC:-build/src/hcdc}
graph=${1:?usage: benchmarks/sampled_truth.sh GRAPH.h5 [OUT_DIR]}
out=${2:-results/sampled-truth}
[ -f "$graph" ] || { echo "sampled_truth: no graph at $graph" >&2; exit 2; }
mkdir -p "$out"
job=benchmarks/sampled_truth.toml
variants=(sampled)
[ "${SKIP_FULL:-0}" = 1 ] || variants=(full sampled)
for v in "${variants[@]}"; do
  sets=(--set "dataset.path=\"$graph\"" --set "job.output_dir=\"$out/$v\"")
  if [ "$v" = full ]; then
    sets+=(--set "evaluate.truth_epochs=${FULL_EPOCHS:-100}")
  else
    sets+=(--set "evaluate.truth_epochs=${SAMPLED_EPOCHS:-3}" --set "evaluate.truth_fanouts=${FANOUTS:-[10, 5]}"
           --set "evaluate.truth_batch_size=${BATCH:-1024}")
  fi
  /usr/bin/time -f "%e %M" -o "$out/$v.time" "$HCDC" evaluate "$job" "${sets[@]}" --out "$out/$v.h5" > "$out/$v.log" 2>&1 || {
    echo "sampled_truth: $v failed; see $out/$v.log" >&2; exit 1; }
  read -r wall kb < "$out/$v.time"
  echo "$v: ${wall} s, $((kb / 1024)) MiB peak" >&2
done
/usr/bin/python3 - "$out" "${variants[@]}" <<'PY' | tee "$out/sampled_truth.md"
import sys, h5py, numpy as np
out, variants = sys.argv[1], sys.argv[2:]
cols = {}
for v in variants:
    wall, kb = open(f"{out}/{v}.time").read().split()
    with h5py.File(f"{out}/{v}.h5", "r") as f:
        names = [n.decode() for n in f["candidates/name"][:]]
        r = f["rows"]
        cand, val, test, secs = r["candidate"][:], r["score"][:], r["test_acc"][:], r["seconds"][:]
    cols[v] = dict(wall=float(wall), mib=int(kb) // 1024, names=names,
                   val={names[c]: x for c, x in zip(cand, val)}, test={names[c]: x for c, x in zip(cand, test)},
                   secs={names[c]: x for c, x in zip(cand, secs)})
names = cols[variants[0]]["names"]
print("| candidate | " + " | ".join(f"{v}: val / test acc, s" for v in variants) + " |")
print("|---|" + "---|" * len(variants))
for n in names:
    print(f"| {n} | " + " | ".join(f"{cols[v]['val'][n]:.3f} / {cols[v]['test'][n]:.3f}, {cols[v]['secs'][n]:.0f}" for v in variants) + " |")
print("| whole command | " + " | ".join(f"{cols[v]['wall']:.0f} s, {cols[v]['mib']} MiB peak" for v in variants) + " |")
PY
