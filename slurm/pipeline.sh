#!/usr/bin/env bash
# Chains the stages as Slurm jobs with dependencies:
#   import (Planetoid → HDF5, or a generated graph)
#     ├→ condense (distributed HCDC at the job's first budget and seed, preemption-safe)
#     └→ ground truth (job array over candidate slices) → merge of the slices
#   → experiment (slurm/run.sbatch: `hcdc run`, every method × budget × seed on all the ranks,
#     reusing the merged ground truth, preemption-safe) → analysis (Python summary)
# The condense and experiment stages span --nodes nodes with --ntasks ranks in all; each array
# task is one rank. Ranks on one node share one copy of the graph's blocks ([dist] share_on_node).
# Usage: slurm/pipeline.sh JOB.toml [--planetoid DIR] [--nodes N] [--ntasks M] [--slices S] [--logs DIR]
# Logs go to --logs (default: the job file's folder). Other sbatch settings (partition, account,
# memory) come from sbatch's input variables, e.g. SBATCH_PARTITION, SBATCH_MEM_PER_CPU.
# Prints the job ids; each stage starts only if the ones it needs succeeded (afterok).
set -euo pipefail
usage="usage: slurm/pipeline.sh JOB.toml [--planetoid DIR] [--nodes N] [--ntasks M] [--slices S] [--logs DIR]"
case ${1:-} in
  -h|--help) echo "$usage"; exit 0 ;;
  ''|-*) echo "$usage" >&2; exit 2 ;;
esac
job=$1
shift
planetoid="" nodes=1 ntasks=2 slices=2 logs=$(dirname "$job")
while [ $# -gt 0 ]; do
  case $1 in
    --planetoid) planetoid=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --ntasks) ntasks=$2; shift 2 ;;
    --slices) slices=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "slurm/pipeline.sh: unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
for v in nodes ntasks slices; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "slurm/pipeline.sh: --$v must be a whole number >= 1, not '${!v}'" >&2; exit 2; }
done
[ "$ntasks" -ge "$nodes" ] || { echo "slurm/pipeline.sh: --ntasks $ntasks is fewer than --nodes $nodes" >&2; exit 2; }
[ -f "$job" ] || { echo "slurm/pipeline.sh: $job: no such job file" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
hcdc=${HCDC:-$root/build/src/hcdc}
# The job's output folder, for the analysis stage (hcdc's default where [job] output_dir is unset).
results=$(/usr/bin/python3 - "$job" <<'PY'
import sys, tomllib
try:
    with open(sys.argv[1], "rb") as f:
        j = tomllib.load(f).get("job", {})
except (OSError, tomllib.TOMLDecodeError) as e:
    sys.exit(f"slurm/pipeline.sh: {sys.argv[1]}: not a readable TOML job file ({e})")
print(j.get("output_dir", "results/" + j.get("name", "")))
PY
) || exit 2
mkdir -p "$logs"
export HDF5_USE_FILE_LOCKING=${HDF5_USE_FILE_LOCKING:-FALSE}

if [ -n "$planetoid" ]; then
  import_cmd="/usr/bin/python3 $root/analysis/import_planetoid.py --root $planetoid --name cora --out $root/results/cora.h5"
else
  import_cmd="$hcdc run $job --dataset-only"   # materialises the job's generated dataset
fi
j1=$(sbatch --parsable --job-name=hcdc-import --output="$logs/import-%j.out" --wrap "$import_cmd")
j2=$(sbatch --parsable --dependency=afterok:$j1 --nodes="$nodes" --ntasks="$ntasks" \
        --output="$logs/condense-%j.out" "$here/condense.sbatch" "$job")
j3=$(sbatch --parsable --dependency=afterok:$j1 --array=0-$((slices - 1)) --output="$logs/truth-%A_%a.out" \
        "$here/truth_array.sbatch" "$job")
j4=$(sbatch --parsable --dependency=afterok:$j3 --job-name=hcdc-truth-merge --output="$logs/truth-merge-%j.out" \
        --wrap "$hcdc evaluate $job --merge-slices $slices")
j5=$(sbatch --parsable --dependency=afterok:$j2:$j4 --nodes="$nodes" --ntasks="$ntasks" \
        --output="$logs/experiment-%j.out" "$here/run.sbatch" "$job")
j6=$(sbatch --parsable --dependency=afterok:$j5 --job-name=hcdc-analysis --output="$logs/analysis-%j.out" \
        --wrap "/usr/bin/python3 $root/analysis/summarize_results.py $results")
echo "$j1 $j2 $j3 $j4 $j5 $j6"
