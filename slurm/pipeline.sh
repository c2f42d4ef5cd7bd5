#!/usr/bin/env bash
# Chains the stages as Slurm jobs with dependencies:
#   import (Planetoid → HDF5, or a generated graph)
#     ├→ condense (distributed HCDC, preemption-safe)
#     └→ ground truth (job array over candidate slices) → merge of the slices
#   → evaluate + table (hcdc run: reuses the merged ground truth) → analysis (Python summary)
# Usage: slurm/pipeline.sh JOB.toml [--planetoid DIR] [--ntasks N] [--slices S]
# Prints the job ids; each stage starts only if the ones it needs succeeded (afterok).
set -euo pipefail
job=${1:?usage: slurm/pipeline.sh JOB.toml [--planetoid DIR] [--ntasks N] [--slices S]}
shift
planetoid="" ntasks=2 slices=2
while [ $# -gt 0 ]; do
  case $1 in
    --planetoid) planetoid=$2; shift 2 ;;
    --ntasks) ntasks=$2; shift 2 ;;
    --slices) slices=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
hcdc=${HCDC:-$root/build/src/hcdc}
out=$(dirname "$job")
export HDF5_USE_FILE_LOCKING=${HDF5_USE_FILE_LOCKING:-FALSE}

if [ -n "$planetoid" ]; then
  import_cmd="/usr/bin/python3 $root/analysis/import_planetoid.py --root $planetoid --name cora --out $root/results/cora.h5"
else
  import_cmd="$hcdc run $job --dataset-only"   # materialises the job's generated dataset
fi
j1=$(sbatch --parsable --job-name=hcdc-import --output="$out/import-%j.out" --wrap "$import_cmd")
j2=$(sbatch --parsable --dependency=afterok:$j1 --ntasks="$ntasks" --output="$out/condense-%j.out" \
        "$here/condense.sbatch" "$job")
j3=$(sbatch --parsable --dependency=afterok:$j1 --array=0-$((slices - 1)) --output="$out/truth-%A_%a.out" \
        "$here/truth_array.sbatch" "$job")
j4=$(sbatch --parsable --dependency=afterok:$j3 --job-name=hcdc-truth-merge --output="$out/truth-merge-%j.out" \
        --wrap "$hcdc evaluate $job --merge-slices $slices")
j5=$(sbatch --parsable --dependency=afterok:$j2:$j4 --job-name=hcdc-evaluate --output="$out/evaluate-%j.out" \
        --wrap "$hcdc validate \$(ls $out/*/condensed-hcdc.h5 | head -1) && $hcdc run $job")
j6=$(sbatch --parsable --dependency=afterok:$j5 --job-name=hcdc-analysis --output="$out/analysis-%j.out" \
        --wrap "/usr/bin/python3 $root/analysis/summarize_results.py $out")
echo "$j1 $j2 $j3 $j4 $j5 $j6"
