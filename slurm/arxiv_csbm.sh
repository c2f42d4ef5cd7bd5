#!/usr/bin/env bash
# The arxiv-scale table (jobs/table2_arxiv_csbm.toml: the 169,343-node cSBM of `hcdc generate csbm
# --preset arxiv`, 80 decoupled candidates, six methods × three budgets × three seeds) as a
# multi-node Slurm pipeline (slurm/pipeline.sh): generate → HCDC condensation on --nodes nodes ∥ the
# ground truth as a job array of --slices tasks → merge → the whole experiment on --nodes nodes,
# reusing the merged ground truth → analysis. Defaults: 2 nodes, 8 ranks, 8 slices; anything given
# here overrides them (e.g. --nodes 4 --ntasks 32 --slices 16). A rank holds ≈ 1.2 GiB at this
# scale, one copy of the blocks per node comes on top (docs/results/node_sharing.md).
# Usage: slurm/arxiv_csbm.sh [JOB.toml] [--nodes N] [--ntasks M] [--slices S] [--logs DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
job=$(dirname "$here")/jobs/table2_arxiv_csbm.toml
if [ $# -gt 0 ] && [[ $1 != -* ]]; then job=$1; shift; fi
exec bash "$here/pipeline.sh" "$job" --nodes 2 --ntasks 8 --slices 8 --logs results/table2-arxiv-csbm/slurm "$@"
