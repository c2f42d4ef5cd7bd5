#!/usr/bin/env bash
# Peak memory of several processes together (e.g. the ranks of one mpirun), which /usr/bin/time
# cannot give: runs COMMAND and samples, every 0.2 s, the summed VmRSS of all processes whose
# command line contains MARKER (mpirun's own included); prints the peak of that sum.
# Usage: benchmarks/rss_sum.sh MARKER COMMAND...
#   benchmarks/rss_sum.sh "hcdc --threads 1 evaluate" mpirun -np 2 build/src/hcdc --threads 1 evaluate \
#       benchmarks/cost_growth.toml --set dataset.path=\"results/cost-growth/n100000/graph.h5\" \
#       --set job.output_dir=\"/tmp/rk2\"
marker=$1; shift
"$@" &
pid=$!
peak=0
while kill -0 $pid 2>/dev/null; do
  s=0
  for p in $(pgrep -f -- "$marker"); do
    [ "$p" = "$$" ] && continue  # this script's own command line holds MARKER too
    r=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null); s=$((s + ${r:-0}))
  done
  [ "$s" -gt "$peak" ] && peak=$s
  sleep 0.2
done
wait $pid; rc=$?
echo "peak summed RSS: $((peak / 1024)) MiB (exit $rc)"
