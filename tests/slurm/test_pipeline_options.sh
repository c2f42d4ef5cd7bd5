#!/usr/bin/env bash
# slurm/pipeline.sh and slurm/arxiv_csbm.sh refuse bad options before submitting anything: exit 2
# and one line naming the option (no Slurm needed: nothing reaches sbatch). --help exits 0.
# Usage: test_pipeline_options.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
expect() {  # expect RC PATTERN COMMAND...: exit code RC, stderr/stdout matching PATTERN
  local rc=$1 pat=$2 out got
  shift 2
  out=$("$@" 2>&1); got=$?
  if [ "$got" != "$rc" ] || ! grep -q -- "$pat" <<<"$out"; then
    echo "FAIL: $* → exit $got (want $rc), output: $out"; exit 1
  fi
}
expect 0 "usage: slurm/pipeline.sh JOB.toml" bash slurm/pipeline.sh --help
expect 2 "usage:" bash slurm/pipeline.sh
expect 2 "usage:" bash slurm/pipeline.sh --nodes 2
expect 2 "no such job file" bash slurm/pipeline.sh /nonexistent/job.toml
expect 2 "unknown option --bogus" bash slurm/pipeline.sh jobs/demo.toml --bogus
expect 2 "--nodes must be a whole number >= 1, not '0'" bash slurm/pipeline.sh jobs/demo.toml --nodes 0
expect 2 "--slices must be a whole number >= 1, not 'x'" bash slurm/pipeline.sh jobs/demo.toml --slices x
expect 2 "--ntasks 2 is fewer than --nodes 3" bash slurm/pipeline.sh jobs/demo.toml --nodes 3 --ntasks 2
bad=$(mktemp --suffix=.toml) && echo "[job" > "$bad"
expect 2 "not a readable TOML job file" bash slurm/pipeline.sh "$bad"
rm -f "$bad"
expect 2 "--nodes must be a whole number" bash slurm/arxiv_csbm.sh --nodes -1
echo "ok: slurm/pipeline.sh and slurm/arxiv_csbm.sh refuse bad options with exit 2, naming them"
