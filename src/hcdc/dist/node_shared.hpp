#pragma once
// One copy per node of read-only tensors (the MPI side of Communicator::share_within_node):
// the node's first rank builds them and copies them into a POSIX shared-memory object; the other
// ranks of the node map the same pages. Every mapping is read-only once filled (PROT_READ), so a
// stray in-place write faults at once instead of corrupting the other ranks' data. The object is
// unlinked as soon as every rank has mapped it: the pages live exactly as long as a tensor that
// views them, and nothing is left in /dev/shm after a crash past that point.
// Why not an MPI-3 shared window: MPI_Win_free is collective, and a tensor's storage is freed
// wherever its last user drops it, at a different moment on each rank; munmap is local.
// MPI builds only; internal to dist.
#ifdef HCDC_HAVE_MPI
#include "hcdc/dist/communicator.hpp"

namespace hcdc::dist {

NodeShare share_within_node_mpi(const TensorMaker& make);

}  // namespace hcdc::dist
#endif
