#!/usr/bin/env bash
# The NCCL path on a machine with NVIDIA GPUs, the CUDA toolkit and NCCL: configures with
# HCDC_WITH_NCCL=ON, builds, and runs the NCCL tests — the collectives (host tensors staged
# through the GPU; CUDA tensors in place when the LibTorch is a CUDA build) and HCDC on the NCCL
# backend against the MPI backend, bitwise. Debian's CPU LibTorch is enough for everything but the
# CUDA-tensor test; TORCH_PREFIX points at another LibTorch (e.g. a CUDA one).
# Usage: [TORCH_PREFIX=/path/to/libtorch] [GPUS=1] scripts/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
gpus=${GPUS:-1}
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DHCDC_WITH_NCCL=ON -DHCDC_TEST_GPUS="$gpus" \
  ${TORCH_PREFIX:+-DCMAKE_PREFIX_PATH="$TORCH_PREFIX"} -DHCDC_BUILD_BENCHMARKS=OFF
cmake --build build-gpu -j"$(nproc)" --target hcdc hcdc_nccl_tests
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
build-gpu/src/hcdc --version
(cd build-gpu && ctest -R nccl --output-on-failure -V | grep -E "OK|SKIPPED|FAILED|ok:|skipped:|Passed|Failed")
