#pragma once
// The NCCL backend (built when HCDC_WITH_NCCL finds the CUDA toolkit and NCCL): the all-reduce of
// HCDC's S_val gradient runs with NCCL on the GPU (CUDA tensors in place, host tensors staged
// through a device buffer). Each rank drives one GPU, picked by its
// node-local rank (MPI_Comm_split_type), and the NCCL communicator is bootstrapped by rank 0's
// ncclUniqueId broadcast over MPI. The small host-side collectives (the stop flag, S_val
// checksums, checkpoint gathers) stay on MPI over host memory: NCCL and CUDA-aware MPI
// collectives are never mixed on the same buffers.
#include <memory>

#include "hcdc/dist/communicator.hpp"

namespace hcdc::dist {

// True when this build has the NCCL backend.
bool nccl_built();
// CUDA devices this process sees; 0 without NCCL support, a driver or a GPU.
int visible_cuda_devices();
// Initialises MPI on first use. Throws std::runtime_error when hcdc was built without NCCL or
// when the rank sees no CUDA device.
std::unique_ptr<Communicator> make_nccl_communicator();

}  // namespace hcdc::dist
