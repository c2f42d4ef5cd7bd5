#include "hcdc/dist/node_group.hpp"

#ifdef HCDC_HAVE_MPI
#include <cstdlib>
#include <stdexcept>

namespace hcdc::dist {
namespace {

int ranks_per_node_override() {
  const char* s = std::getenv("HCDC_RANKS_PER_NODE");
  if (s == nullptr || *s == '\0') return 0;
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (*end != '\0' || v < 1 || v > 1 << 20)
    throw std::invalid_argument(std::string("HCDC_RANKS_PER_NODE: '") + s + "' is not a whole number >= 1");
  return static_cast<int>(v);
}

}  // namespace

MPI_Comm split_node_communicator() {
  const int per_node = ranks_per_node_override();
  int world = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world);
  MPI_Comm shared;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, world, MPI_INFO_NULL, &shared);
  if (per_node == 0) return shared;
  MPI_Comm group;
  MPI_Comm_split(shared, world / per_node, world, &group);
  MPI_Comm_free(&shared);
  return group;
}

}  // namespace hcdc::dist
#endif
