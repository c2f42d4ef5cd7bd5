#!/usr/bin/env bash
# slurm/arxiv_csbm.sh on the two-node test cluster of tests/slurm/cluster.sh (both nodes on this
# host), with a reduced arxiv-scale job (random, herding, HCDC at 0.1 %, one seed, one ground-truth
# seed, no noise ceiling: a full table needs hours here). Reports each stage's run time and nodes,
# the peak RSS of each process of the job, and the table. Needs root and Debian's Slurm (as the test).
# Usage: benchmarks/arxiv_pipeline.sh [NODES [RANKS [SLICES]]]   (default 2 2 2)
# Output: results/arxiv-pipeline/ (the job's folder; slurm logs in slurm/), the report on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-2} ranks=${2:-2} slices=${3:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,tcp   # both test nodes are this host: see slurm/README.md
cluster=${CLUSTER_DIR:-/tmp/hcdc-bench-cluster}
eval "$(HCDC_TEST_SLURM_NODES=$nodes bash tests/slurm/cluster.sh start "$cluster")"
trap 'bash tests/slurm/cluster.sh stop "$cluster" >/dev/null' EXIT
job=results/arxiv-pipeline.toml
rm -rf results/arxiv-pipeline && mkdir -p results
sed -e 's|^output_dir = .*|output_dir = "results/arxiv-pipeline"|' -e 's|^methods = .*|methods = ["random", "herding", "hcdc"]|' \
    -e 's|^budgets = .*|budgets = [0.001]|' -e 's|^seeds = \[0, 1, 2\]|seeds = [0]|' \
    -e 's|^truth_seeds = 3|truth_seeds = 1\nnoise_ceiling = false|' jobs/table2_arxiv_csbm.toml > "$job"
t0=$(date +%s)
ids=$(bash slurm/arxiv_csbm.sh "$job" --nodes "$nodes" --ntasks "$ranks" --slices "$slices" --logs results/arxiv-pipeline/slurm)
echo "jobs: $ids"
declare -A hwm cmd
final() { [[ $1 =~ ^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL)$ ]]; }
while :; do
  left=0
  for j in $ids; do
    for st in $(scontrol show job -o "$j" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'); do final "$st" || left=1; done
  done
  for p in $(pgrep -f "hcdc.* $job" || true); do  # this job's processes only
    h=$(awk '/^VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
    if [ -n "$h" ] && [ "$h" -gt "${hwm[$p]:-0}" ]; then
      hwm[$p]=$h
      cmd[$p]=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | sed 's|^.*src/hcdc ||' | cut -c1-90 || true)
    fi
  done
  [ $left -eq 0 ] && break
  if squeue -h -o "%r" | grep -q DependencyNeverSatisfied; then echo "a stage failed"; squeue; exit 1; fi
  sleep 0.5
done
echo "wall: $(( $(date +%s) - t0 )) s"
for j in $ids; do
  scontrol show job -o "$j" | tr ' ' '\n' | grep -E "^(JobName|JobState|RunTime|NodeList|NumTasks|ArrayTaskId)=" | grep -v "NodeList=(null)" | paste -sd' '
done
for p in "${!hwm[@]}"; do echo "peak RSS $((hwm[$p] / 1024)) MiB: ${cmd[$p]}"; done | grep -v "mpirun\|orted\|bash" | sort -t: -k2
cat results/arxiv-pipeline/summary.md
