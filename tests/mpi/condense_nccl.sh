#!/usr/bin/env bash
# HCDC on the NCCL backend reproduces the MPI backend's S_val bitwise (deterministic mode, same
# rank count). Usage: condense_nccl.sh HCDC MPIEXEC NPFLAG TMPDIR RANKS
set -euo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/condense_nccl ranks=${5:-1}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
for backend in mpi nccl; do
  sed -e "s|@OUT@|$tmp/$backend|" -e "s|@DET@|true|" -e "s|@OUTER@|2|" "$here/mpi_job.toml.in" > "$tmp/$backend.toml"
  sed -i "s|^\[dist\]|[dist]\nbackend = \"$backend\"|" "$tmp/$backend.toml"
  $mpiexec $npflag "$ranks" "$hcdc" condense "$tmp/$backend.toml" 2>&1 | grep "condense:\|backend"
done
/usr/bin/python3 - "$tmp" <<'PY'
import sys, h5py, numpy as np
t = sys.argv[1]
a = h5py.File(f"{t}/mpi/condensed-hcdc.h5", "r")["val/x"][:]
b = h5py.File(f"{t}/nccl/condensed-hcdc.h5", "r")["val/x"][:]
assert np.array_equal(a, b), np.abs(a - b).max()
print("ok: NCCL and MPI backends give the same S_val bitwise")
PY
