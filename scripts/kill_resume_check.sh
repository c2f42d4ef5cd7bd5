#!/usr/bin/env bash
# kill -9 in the middle of an experiment's condensation stage, then `hcdc run --resume`: says which
# finished runs were reused, how many runs were left, and whether the final results.h5 equals an
# uninterrupted run's bitwise (rows and summary, timings aside).
# Usage: scripts/kill_resume_check.sh JOB.toml REFERENCE_RESULTS.h5 KILL_AFTER_RUNS [--set KEY=VALUE ...]
#   TRUTH=FILE starts the run with FILE as its truth.h5; RANKS=N runs under mpirun -np N (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
job=$1 ref=$2 after=$3
shift 3
out=results/kill-resume-check
rm -rf "$out" && mkdir -p "$out"
[ -n "${TRUTH:-}" ] && cp "$TRUTH" "$out/truth.h5"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
launch=(./build/src/hcdc)
[ "${RANKS:-1}" -gt 1 ] && launch=(mpirun --oversubscribe -np "$RANKS" ./build/src/hcdc)
args=("$@" --set "job.output_dir=\"$out\"" --set job.threads=1)
setsid "${launch[@]}" run "$job" "${args[@]}" > "$out/first.log" 2>&1 &
pid=$!
until /usr/bin/python3 -c "import h5py,sys; sys.exit(0 if h5py.File('$out/results.h5','r').attrs['runs_done'] >= $after else 1)" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "the run ended before $after runs were done"; exit 1; }
  sleep 0.5
done
kill -9 -- -"$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
done_before=$(/usr/bin/python3 -c "import h5py; print(h5py.File('$out/results.h5','r').attrs['runs_done'])")
echo "killed (-9) with $done_before runs finished"
s=$(date +%s.%N)
"${launch[@]}" run "$job" --resume "${args[@]}" > "$out/resume.log" 2>&1
echo "--resume: $(grep -c 'reusing the finished run' "$out/resume.log") runs reused, $(grep -o '[0-9]* runs to do' "$out/resume.log" | head -1), $(grep -c 'resumed from' "$out/resume.log") HCDC runs continued from a checkpoint, $(echo "$(date +%s.%N) - $s" | bc) s"
/usr/bin/python3 analysis/compare_results.py "$ref" "$out/results.h5" && echo "final results.h5 equals the uninterrupted run's bitwise"
