# Sourced by the `hcdc run` rank tests (run_ranks.sh, image_ranks.sh); they set $tmp first.
# fail MSG: print it and every log's tail, exit 1.
fail() { echo "FAIL: $*"; for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -15 "$f"; }; done; exit 1; }
# same A.h5 B.h5: results files equal bitwise in every row and summary column but the timings, 6 runs each.
same() { /usr/bin/python3 "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/analysis/compare_results.py" "$1" "$2" --runs 6; }
# wait_for_finished_run OUTDIR: until OUTDIR/results.h5 records a finished run (at most 60 s).
wait_for_finished_run() {
  for _ in $(seq 1 1200); do
    /usr/bin/python3 -c "import h5py,sys; sys.exit(0 if h5py.File('$1/results.h5','r').attrs['runs_done'] >= 1 else 1)" 2>/dev/null && return
    sleep 0.05
  done
}
# runs_done OUTDIR: the finished-run count results.h5 records.
runs_done() { /usr/bin/python3 -c "import h5py; print(h5py.File('$1/results.h5','r').attrs['runs_done'])"; }
