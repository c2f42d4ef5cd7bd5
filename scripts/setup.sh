#!/usr/bin/env bash
# Installs every dependency of hcdc from Debian 12 packages. Idempotent: packages that are
# already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libtorch-dev                      # LibTorch 1.13 (CPU); a CUDA/2.x LibTorch works via CMAKE_PREFIX_PATH
  libopenblas0-openmp               # Debian LibTorch calls libblas.so.3: without this it gets the
                                    # reference BLAS (~1 GFLOP/s); OpenMP flavour to share threads with LibTorch
  libopenmpi-dev openmpi-bin        # MPI (always built)
  libhdf5-dev hdf5-tools            # HDF5 C library (+ h5dump for debugging)
  libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev               # job files (TOML)
  nlohmann-json3-dev                # machine-readable HDF5 schemas (JSON)
  libcli11-dev libspdlog-dev libfmt-dev zlib1g-dev
  libzip-dev libxtensor-dev         # .npz graphs (heterophilous-graphs): zip archive + .npy reader
  libeigen3-dev                     # sparse-times-dense products of graph operators and features
  python3 python3-h5py python3-numpy python3-scipy python3-pandas python3-matplotlib
  dataset-fashion-mnist
  slurm-wlm slurmctld slurmd slurm-client munge   # the sbatch tests start a two-node cluster on this host
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
