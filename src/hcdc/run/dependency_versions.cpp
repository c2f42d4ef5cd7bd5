#include "hcdc/run/dependency_versions.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <torch/version.h>
#ifdef HCDC_HAVE_MPI
#include <mpi.h>
#endif
#ifdef HCDC_HAVE_NCCL
#include <cuda_runtime.h>
#include <nccl.h>
#endif

namespace hcdc::run {

std::string dependency_versions() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  std::string mpi = "not built";
#ifdef HCDC_HAVE_MPI
  // MPI_Get_library_version is one of the few calls allowed before MPI_Init.
  char buf[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(buf, &len);
  mpi = std::string(buf, static_cast<size_t>(len));
  if (auto pos = mpi.find_first_of(",\n"); pos != std::string::npos) mpi.resize(pos);
#endif
  std::string nccl = "not built";
#ifdef HCDC_HAVE_NCCL
  // Versions of the libraries loaded at run time (both calls work without a GPU or driver).
  // NCCL >= 2.9 encodes MAJOR*10000 + MINOR*100 + PATCH; CUDA encodes MAJOR*1000 + MINOR*10.
  int nv = 0, cv = 0;
  ncclGetVersion(&nv);
  cudaRuntimeGetVersion(&cv);
  nccl = fmt::format("{}.{}.{} (CUDA runtime {}.{})", nv / 10000, nv / 100 % 100, nv % 100, cv / 1000, cv / 10 % 100);
#endif
  return fmt::format("LibTorch {}\nMPI {}\nHDF5 {}.{}.{}\nNCCL {}", TORCH_VERSION, mpi, maj, min, rel, nccl);
}

}  // namespace hcdc::run
