#pragma once
// How much memory the machine can give this process now, for sizing work automatically.
#include <cstdint>

namespace hcdc {

// MemAvailable from /proc/meminfo (what can be allocated without swapping), else the free
// physical pages; 0 when neither can be read.
std::int64_t available_memory_bytes();

}  // namespace hcdc
