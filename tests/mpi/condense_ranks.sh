#!/usr/bin/env bash
# HCDC with 1, 2 and 3 ranks: S_val bitwise equal in deterministic mode, within 1e-5 relative
# otherwise. Usage: condense_ranks.sh HCDC MPIEXEC NPFLAG TMPDIR
set -euo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/condense_ranks
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
for det in true false; do
  for n in 1 2 3; do
    out=$tmp/$det-$n
    sed -e "s|@OUT@|$out|" -e "s|@DET@|$det|" -e "s|@OUTER@|2|" "$here/mpi_job.toml.in" > "$tmp/job-$det-$n.toml"
    $mpiexec $npflag $n --oversubscribe "$hcdc" condense "$tmp/job-$det-$n.toml" 2>&1 | grep "condense:"
  done
done
/usr/bin/python3 - "$tmp" <<'PY'
import sys, h5py, numpy as np
t = sys.argv[1]
x = {(d, n): h5py.File(f"{t}/{d}-{n}/condensed-hcdc.h5", "r")["val/x"][:] for d in ("true", "false") for n in (1, 2, 3)}
for n in (2, 3):
    assert np.array_equal(x[("true", 1)], x[("true", n)]), f"deterministic: 1 vs {n} ranks differ"
    rel = np.abs(x[("false", 1)] - x[("false", n)]).max() / np.abs(x[("false", 1)]).max()
    print(f"default mode, 1 vs {n} ranks: max relative difference {rel:.2e}")
    assert rel < 1e-5, rel
print("ok: deterministic mode bitwise equal for 1, 2, 3 ranks")
PY
