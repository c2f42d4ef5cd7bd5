#!/usr/bin/env bash
# Ablations of one condensation method on Cora at one budget. Each variant is the Table-2 job with
# some keys overridden (hcdc run --set ...), that method only, over the job's condensation seeds;
# the ground truth is computed once (or taken from results/table2-cora) and reused by every
# variant. Writes results/ablation-cora[-METHOD]/<variant>/results.h5 and the table
# docs/results/ablation_cora[_METHOD].md.
# Usage: scripts/ablate.sh [hcdc|gcond] [BUDGET] [VARIANT...]   (default hcdc 0.018, every variant)
#   naming variants runs only those; the table always gathers every variant already run
#   hcdc: Neumann K and α, CG, trajectory length, S_val size, where g_T is evaluated, the structure
#         of S_train (≈ 2–4 min per variant on 2 cores)
#   gcond: the length of the matching schedule (up to ≈ 25 min per variant)
# Needs results/cora.h5: python3 analysis/import_planetoid.py --name cora --out results/cora.h5
set -euo pipefail
cd "$(dirname "$0")/.."
job=jobs/table2_cora.toml
method=${1:-hcdc}
budget=${2:-0.018}
only=("${@:3}")
hcdc=${HCDC:-./build/src/hcdc}
# The Table-2 job's matching schedule before 2026-12-07 (with 40 × 5): the rows below that name a
# schedule, or train S_train with gcond(-x), keep it, as they were measured with it.
old="matching.model_steps=1 matching.feature_lr=1e-3 matching.adjacency_lr=1e-3 matching.adjacency_every=5"
old+=" matching.adjacency_steps=1 matching.class_weights=false"
short="matching.iterations=40 matching.inner=5 $old"
case $method in
hcdc)
  out=results/ablation-cora table=docs/results/ablation_cora.md
  variants=(
  "reference|"
  "neumann_terms=2|hcdc.neumann_terms=2"
  "neumann_terms=10|hcdc.neumann_terms=10"
  "neumann_alpha=0.25|hcdc.neumann_alpha=0.25"
  "neumann_alpha=1.0|hcdc.neumann_alpha=1.0"
  "solver=cg|hcdc.solver=cg"
  "trajectory_steps=30|hcdc.trajectory_steps=30 hcdc.lambda_every=10"
  "trajectory_steps=120|hcdc.trajectory_steps=120 hcdc.lambda_every=40"
  "c_val=0.2·c_train|condense.val_fraction=0.2"
  "c_val=0.8·c_train|condense.val_fraction=0.8"
  "g_T at θ trained on T|hcdc.g_t_theta=\"t_train\""
  "S_train from gcond-x (identity adjacency)|condense.hcdc_train_method=\"gcond-x\" $short"
  "S_train from gcond (learned adjacency)|condense.hcdc_train_method=\"gcond\" $short"
  "S_train from gcond, 400×15 schedule|condense.hcdc_train_method=\"gcond\" matching.iterations=400 matching.inner=15 $old"
  ) ;;
gcond)
  # The length of the matching schedule: the Table-2 job runs GCond's own Cora schedule (600 × 20,
  # 15 model steps, rates 1e-4); the shorter ones keep the job's schedule before 2026-12-07.
  out=results/ablation-cora-gcond table=docs/results/ablation_cora_gcond.md
  variants=(
  "reference 40×5|$short"
  "200×10|matching.iterations=200 matching.inner=10 $old"
  "400×15|matching.iterations=400 matching.inner=15 $old"
  "GCond's schedule (the job)|"
  ) ;;
*) echo "usage: scripts/ablate.sh [hcdc|gcond] [BUDGET] [VARIANT...]" >&2; exit 2 ;;
esac
mkdir -p "$out"
truth=""
[ -f results/table2-cora/truth.h5 ] && truth=results/table2-cora/truth.h5
for v in "${variants[@]}"; do
  name=${v%%|*} sets=${v#*|}
  if ((${#only[@]})) && ! printf '%s\n' "${only[@]}" | grep -qxF "$name"; then continue; fi
  dir="$out/$(echo "$name" | tr -c 'A-Za-z0-9_.=\n' '_')"
  mkdir -p "$dir"
  # The ground truth does not depend on [hcdc]/[condense]: its key matches, so it is reused.
  [ -n "$truth" ] && [ ! -f "$dir/truth.h5" ] && cp "$truth" "$dir/truth.h5"
  args=(--set "job.output_dir=$dir" --set "condense.methods=[\"$method\"]" --set "condense.budgets=[$budget]")
  for s in $sets; do args+=(--set "$s"); done
  echo "== $name: ${sets:-(the Table-2 settings)}"
  "$hcdc" run "$job" "${args[@]}" 2>&1 | grep -F "$method@" || true
  truth="$dir/truth.h5"
  echo "$name|$sets" > "$dir/variant.txt"
done
/usr/bin/python3 - "$out" "$job" "$method" "$table" <<'PY'
import glob, os, sys
import h5py, numpy as np
out, job, method, table = sys.argv[1:]
rows = []
for d in sorted(glob.glob(f"{out}/*/variant.txt"), key=os.path.getmtime):
    name, sets = open(d).read().strip().split("|", 1)
    with h5py.File(os.path.join(os.path.dirname(d), "results.h5"), "r") as f:
        s = f["summary"]
        rho, perf, sec = s["rho"][:], 100 * s["perf"][:], s["condense_seconds"][:]
        best = 100 * f.attrs["best_test_acc"]
        budget = s["budget"][0]
    rows.append(f"| {name} | `{sets or '-'}` | {rho.mean():.2f} ± {rho.std(ddof=1):.2f} | {perf.mean():.1f} ± "
                f"{perf.std(ddof=1):.1f} | {best - perf.mean():.1f} | {sec.mean():.0f} |")
md = [f"# {method.upper()} ablations on Cora at {100 * budget:.1f} %", "",
      f"Base job `{job}` ({method} only); every row overrides the listed keys; mean ± std over the job's "
      "condensation seeds. Gap = best candidate test accuracy − Perf (points). "
      f"Reproduce: `bash scripts/ablate.sh {method}`.", "",
      "| variant | overrides | ρ | Perf (%) | gap | condense s |", "|---|---|---|---|---|---|"] + rows
open(table, "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
