#!/usr/bin/env bash
# One experiment job run by two hcdc builds, one after the other in the same session: the job's
# own log lines give each run's condensation and proxy-search seconds and the whole-graph vs
# proxy search times (the ground truth is computed in each run, so both sides time it).
# Usage: benchmarks/job_speed.sh BEFORE_HCDC AFTER_HCDC [JOB.toml] [--set KEY=VALUE ...]
#   e.g. a build of an older commit: git worktree add /tmp/old <rev> && cmake -S /tmp/old -B /tmp/old-build
#        -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/old-build --target hcdc
#   benchmarks/job_speed.sh /tmp/old-build/src/hcdc build/src/hcdc jobs/table2_cora.toml \
#        --set 'condense.methods=["random","hcdc"]' --set 'condense.budgets=[0.018]' --set 'condense.seeds=[0]'
# Output: results/job-speed/{before,after}.log and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2
job=${3:-jobs/table2_cora.toml}
shift $(( $# < 3 ? $# : 3 ))
out=results/job-speed
rm -rf "$out" && mkdir -p "$out"
for side in before after; do
  bin=${!side}
  s=$(date +%s.%N)
  "$bin" run "$job" "$@" --set "job.output_dir=\"$out/$side\"" > "$out/$side.log" 2>&1
  e=$(date +%s.%N)
  echo "$e - $s" | bc > "$out/$side.wall"
done
/usr/bin/python3 - "$out" <<'PY'
import re, sys, pathlib
out = pathlib.Path(sys.argv[1])
print("side    wall_s  truth_search_s  run                     condense_s  proxy_search_s")
for side in ("before", "after"):
    log = (out / f"{side}.log").read_text()
    wall = float((out / f"{side}.wall").read_text())
    m = re.search(r"Search time: original ([\d.]+)s, proxy ([\d.]+)s", (out / side / "summary.md").read_text())
    truth = m.group(1) if m else "?"
    for run, cond, prox in re.findall(r"\] (\S+): \|S_train\|.*?condense ([\d.]+)s, proxy search ([\d.]+)s", log):
        print(f"{side:7} {wall:7.1f}  {truth:>14}  {run:22} {float(cond):10.1f}  {float(prox):14.1f}")
PY
