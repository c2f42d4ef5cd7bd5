#!/usr/bin/env bash
# The NCCL path on a machine with NVIDIA GPUs, the CUDA toolkit, NCCL and a CUDA build of
# LibTorch (Debian 12 packages neither NCCL nor a CUDA LibTorch, so this is not part of
# scripts/test.sh): configures with HCDC_WITH_NCCL=ON, builds, and runs the NCCL tests —
# collectives on CUDA tensors and HCDC on the NCCL backend against the MPI backend, bitwise.
# Usage: TORCH_PREFIX=/path/to/libtorch [GPUS=1] scripts/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TORCH_PREFIX:?set TORCH_PREFIX to a CUDA LibTorch (the folder holding share/cmake/Torch)}"
gpus=${GPUS:-1}
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DHCDC_WITH_NCCL=ON -DHCDC_TEST_GPUS="$gpus" \
  -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DHCDC_BUILD_BENCHMARKS=OFF
cmake --build build-gpu -j"$(nproc)" --target hcdc hcdc_nccl_tests
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
(cd build-gpu && ctest -R nccl --output-on-failure)
