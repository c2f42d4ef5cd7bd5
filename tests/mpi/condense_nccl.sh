#!/usr/bin/env bash
# HCDC on the NCCL backend reproduces the MPI backend's S_val bitwise (deterministic mode, same
# rank count). On a node without a GPU it checks the one-line refusal instead and exits 77,
# which ctest reports as skipped. Usage: condense_nccl.sh HCDC MPIEXEC NPFLAG TMPDIR RANKS
set -euo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/condense_nccl ranks=${5:-1}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
for backend in nccl mpi; do
  sed -e "s|@OUT@|$tmp/$backend|" -e "s|@DET@|true|" -e "s|@OUTER@|2|" "$here/mpi_job.toml.in" > "$tmp/$backend.toml"
  sed -i "s|^\[dist\]|[dist]\nbackend = \"$backend\"|" "$tmp/$backend.toml"
  rc=0
  $mpiexec $npflag "$ranks" "$hcdc" condense "$tmp/$backend.toml" > "$tmp/$backend.log" 2>&1 || rc=$?
  grep "condense:\|backend\|error" "$tmp/$backend.log" || true
  if [[ $backend == nccl && $rc -ne 0 ]]; then
    grep -q 'dist.backend: "nccl" needs a CUDA device' "$tmp/nccl.log" && [[ $rc -eq 2 ]] \
      || { echo "FAIL: the NCCL run failed (exit $rc) without the no-GPU refusal"; exit 1; }
    [[ ! -e $tmp/nccl/condensed-hcdc.h5 ]] || { echo "FAIL: a refused run left an output"; exit 1; }
    echo "skipped: no CUDA device here; the NCCL backend refused with one clear line (exit 2)"
    exit 77
  fi
  [[ $rc -eq 0 ]] || { echo "FAIL: $backend run exited $rc"; exit 1; }
done
/usr/bin/python3 - "$tmp" <<'PY'
import sys, h5py, numpy as np
t = sys.argv[1]
a = h5py.File(f"{t}/mpi/condensed-hcdc.h5", "r")["val/x"][:]
b = h5py.File(f"{t}/nccl/condensed-hcdc.h5", "r")["val/x"][:]
assert np.array_equal(a, b), np.abs(a - b).max()
print("ok: NCCL and MPI backends give the same S_val bitwise")
PY
