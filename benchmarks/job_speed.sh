#!/usr/bin/env bash
# One experiment job run by two hcdc builds, alternating, in the same session: the job's own log
# lines give each run's condensation and proxy-search seconds and the whole-graph vs proxy search
# times (each run computes its ground truth, so both sides time it). Also says whether the two
# builds' condensed sets are bitwise equal.
# Usage: [ROUNDS=N] benchmarks/job_speed.sh BEFORE_HCDC AFTER_HCDC [JOB.toml] [--set KEY=VALUE ...]
#   e.g. a build of an older commit: git worktree add /tmp/old <rev> && cmake -S /tmp/old -B /tmp/old-build
#        -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/old-build --target hcdc
#   ROUNDS=3 benchmarks/job_speed.sh /tmp/old-build/src/hcdc build/src/hcdc jobs/table2_cora.toml \
#        --set 'condense.methods=["random","hcdc"]' --set 'condense.budgets=[0.018]' --set 'condense.seeds=[0]'
# Output: results/job-speed/<side>-<round>{.log,/} and a table on stdout (per round, then medians).
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2
job=${3:-jobs/table2_cora.toml}
shift $(( $# < 3 ? $# : 3 ))
rounds=${ROUNDS:-1}
out=results/job-speed
rm -rf "$out" && mkdir -p "$out"
for r in $(seq "$rounds"); do
  order="before after"
  [ $((r % 2)) -eq 0 ] && order="after before"  # alternate, so drift hits both sides alike
  for side in $order; do
    bin=${!side}
    s=$(date +%s.%N)
    "$bin" run "$job" "$@" --set "job.output_dir=\"$out/$side-$r\"" > "$out/$side-$r.log" 2>&1
    e=$(date +%s.%N)
    echo "$e - $s" | bc > "$out/$side-$r.wall"
  done
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import re, sys, pathlib, statistics as st, collections
import h5py, numpy as np
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
rows = collections.defaultdict(list)
print("side    round  wall_s  truth_search_s  run                     condense_s  proxy_search_s")
for r in range(1, rounds + 1):
    for side in ("before", "after"):
        log = (out / f"{side}-{r}.log").read_text()
        wall = float((out / f"{side}-{r}.wall").read_text())
        m = re.search(r"Search time: original ([\d.]+)s", (out / f"{side}-{r}" / "summary.md").read_text())
        truth = float(m.group(1))
        rows[(side, "wall")].append(wall); rows[(side, "truth")].append(truth)
        for run, cond, prox in re.findall(r"\] (\S+): \|S_train\|.*?condense ([\d.]+)s, proxy search ([\d.]+)s", log):
            print(f"{side:7} {r:5}  {wall:6.1f}  {truth:14.1f}  {run:22} {float(cond):10.1f}  {float(prox):14.1f}")
            rows[(side, run, "condense")].append(float(cond)); rows[(side, run, "proxy")].append(float(prox))
print("\nmedians over rounds (before → after, speed-up):")
for key in sorted({k[1:] for k in rows if k[0] == "before"}):
    b, a = st.median(rows[("before",) + key]), st.median(rows[("after",) + key])
    print(f"  {' '.join(key):28} {b:8.1f} s → {a:7.1f} s  {b / a if a else float('nan'):5.2f}×")
def arrays(path):
    d = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: d.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) and o.dtype.kind == "f" else None)
    return d
for cf in sorted((out / "before-1" / "condensed").glob("*.h5")):
    a, b = arrays(cf), arrays(out / "after-1" / "condensed" / cf.name)
    same = a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    print(f"condensed {cf.name}: {'bitwise equal' if same else 'differs'} between the builds")
PY
