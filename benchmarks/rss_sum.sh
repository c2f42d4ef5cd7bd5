#!/usr/bin/env bash
# Peak memory of several processes together (e.g. the ranks of one mpirun), which /usr/bin/time
# cannot give: runs COMMAND and samples, every 0.2 s, the memory of all processes whose command
# line contains MARKER (mpirun's own included), summed two ways:
#   PSS  each process's proportional set size (smaps_rollup): a page shared by k processes counts
#        1/k in each, so the sum is what the processes really occupy together; this is the figure
#        to compare when ranks share memory (dist.share_on_node);
#   RSS  each process's resident set (VmRSS): a shared page counts once per process that maps it.
# Prints the peak of each sum (and how many processes were seen at most).
# Usage: benchmarks/rss_sum.sh MARKER COMMAND...
#   benchmarks/rss_sum.sh "hcdc --threads 1 evaluate" mpirun -np 2 build/src/hcdc --threads 1 evaluate \
#       benchmarks/cost_growth.toml --set dataset.path=\"results/cost-growth/n100000/graph.h5\" \
#       --set job.output_dir=\"/tmp/rk2\"
marker=$1; shift
"$@" &
pid=$!
peak_rss=0 peak_pss=0 procs=0
while kill -0 $pid 2>/dev/null; do
  rss=0 pss=0 n=0
  for p in $(pgrep -f -- "$marker"); do
    [ "$p" = "$$" ] && continue  # this script's own command line holds MARKER too
    r=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null)
    s=$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null)
    rss=$((rss + ${r:-0})) pss=$((pss + ${s:-0})) n=$((n + 1))
  done
  [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
  [ "$pss" -gt "$peak_pss" ] && peak_pss=$pss
  [ "$n" -gt "$procs" ] && procs=$n
  sleep 0.2
done
wait $pid; rc=$?
echo "peak summed PSS: $((peak_pss / 1024)) MiB; peak summed RSS: $((peak_rss / 1024)) MiB; up to $procs processes (exit $rc)"
exit $rc
