#include "hcdc/core/version.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <torch/version.h>

#include <ctime>

#include "hcdc/core/git_commit.hpp"
#ifdef HCDC_HAVE_MPI
#include <mpi.h>
#endif
#ifdef HCDC_HAVE_NCCL
#include <cuda_runtime.h>
#include <nccl.h>
#endif

namespace hcdc {

std::string project_version() { return HCDC_PROJECT_VERSION; }
std::string git_commit() { return HCDC_GIT_COMMIT; }
std::string writer_version() { return fmt::format("hcdc {} ({})", project_version(), git_commit()); }

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

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace hcdc
