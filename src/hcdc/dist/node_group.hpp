#pragma once
// Which ranks count as one node: those that can share memory (MPI_COMM_TYPE_SHARED), optionally
// cut into groups of HCDC_RANKS_PER_NODE consecutive world ranks. The cut lets one host stand in
// for several nodes (tests of multi-node runs) and lets a cluster keep NUMA domains apart.
// MPI builds only; internal to dist.
#ifdef HCDC_HAVE_MPI
#include <mpi.h>

#include <string>

namespace hcdc::dist {

// A new communicator over this rank's node (the caller frees it with MPI_Comm_free).
// HCDC_RANKS_PER_NODE that is not a whole number >= 1 throws std::invalid_argument naming it.
MPI_Comm split_node_communicator();

}  // namespace hcdc::dist
#endif
