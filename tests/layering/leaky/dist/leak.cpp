// Not compiled: a deliberate layering leak (dist reaching up into condense) that
// cmake/CheckLayers.cmake must reject (ctest layering_rejects_a_leak).
#include "hcdc/core/error.hpp"
#include "hcdc/condense/hcdc.hpp"
