#pragma once
// The versions of the libraries this hcdc runs with (for `hcdc version`): it names every
// subsystem's external library, so it lives at the top layer.
#include <string>

namespace hcdc::run {

std::string dependency_versions();  // multi-line: LibTorch, MPI, HDF5, NCCL

}  // namespace hcdc::run
