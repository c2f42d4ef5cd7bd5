#!/usr/bin/env bash
# kill -9 of the whole job at a random step after the first checkpoint, then --resume (with the
# same and with another rank count): the final S_val equals the uninterrupted run's, bitwise
# (deterministic mode). Then SIGTERM: a clean stop with exit code 3, and a resume.
# Usage: resume_after_kill.sh HCDC MPIEXEC NPFLAG TMPDIR
set -uo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/resume_after_kill
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
# 30 outer iterations (1,200 steps, a few seconds): long enough that the kill lands mid-run.
job() { sed -e "s|@OUT@|$tmp/$1|" -e "s|@DET@|true|" -e "s|@OUTER@|30|" "$here/mpi_job.toml.in" > "$tmp/$1.toml"; echo "$tmp/$1.toml"; }
fail() { echo "FAIL: $*"; exit 1; }
# Whether a checkpoint exists. A glob match only: `ls` on the expanded names fails when the run
# rotates one away between the expansion and the stat, though a newer one is there.
has_checkpoint() { compgen -G "$tmp/$1/checkpoints/*.h5" > /dev/null; }

$mpiexec $npflag 2 --oversubscribe "$hcdc" condense "$(job full)" 2>&1 | grep "condense:" || fail "uninterrupted run"

for resume_ranks in 2 3; do
  j=$(job kill$resume_ranks)
  setsid $mpiexec $npflag 2 --oversubscribe "$hcdc" condense "$j" > "$tmp/kill$resume_ranks.log" 2>&1 &
  pid=$!
  # Wait for the first checkpoint, then a random extra moment, then kill -9 the whole group.
  for i in $(seq 1 600); do has_checkpoint kill$resume_ranks && break; sleep 0.05; done
  has_checkpoint kill$resume_ranks || fail "no checkpoint appeared"
  sleep "0.$((RANDOM % 9))"
  kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  [ -e "$tmp/kill$resume_ranks/condensed-hcdc.h5" ] && echo "note: the run finished before the kill"
  rm -f "$tmp/kill$resume_ranks/condensed-hcdc.h5"
  echo "killed; checkpoints: $(ls "$tmp/kill$resume_ranks/checkpoints")"
  $mpiexec $npflag $resume_ranks --oversubscribe "$hcdc" condense "$j" --resume 2>&1 | grep -E "resumed|condense:" || fail "resume with $resume_ranks ranks"
done

# SIGTERM: every rank stops at the same step boundary, checkpoints, exits 3.
j=$(job term)
$mpiexec $npflag 2 --oversubscribe "$hcdc" condense "$j" > "$tmp/term.log" 2>&1 &
pid=$!
for i in $(seq 1 600); do has_checkpoint term && break; sleep 0.05; done
pkill -TERM -f "^$hcdc condense $j" ; wait "$pid"; rc=$?   # the ranks, not mpirun
grep -q "stopped by a signal" "$tmp/term.log" || { cat "$tmp/term.log"; fail "no clean stop"; }
[ "$rc" -eq 3 ] || fail "exit code $rc after SIGTERM, expected 3"
$mpiexec $npflag 2 --oversubscribe "$hcdc" condense "$j" --resume 2>&1 | grep "condense:" || fail "resume after SIGTERM"

/usr/bin/python3 - "$tmp" <<'PY'
import sys, h5py, numpy as np
t = sys.argv[1]
ref = h5py.File(f"{t}/full/condensed-hcdc.h5", "r")["val/x"][:]
for name in ("kill2", "kill3", "term"):
    x = h5py.File(f"{t}/{name}/condensed-hcdc.h5", "r")["val/x"][:]
    assert np.array_equal(ref, x), f"{name}: resumed S_val differs from the uninterrupted run"
print("ok: kill -9 + resume (2 and 3 ranks) and SIGTERM + resume reproduce the uninterrupted S_val bitwise")
PY
