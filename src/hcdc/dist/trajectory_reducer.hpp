#pragma once
// Sums HCDC's per-trajectory contributions over ranks.
//  * default: each rank sums its rows, one all-reduce of one row (least traffic);
//  * deterministic: each rank places its rows in a (trajectories × row) buffer of zeros, one
//    all-reduce (x + 0 is exact, so every entry arrives bit-exact), then every rank sums the rows
//    in trajectory order — the same bits for any number of ranks.
#include "hcdc/dist/reducer.hpp"
#include "hcdc/dist/communicator.hpp"

namespace hcdc::dist {

Reducer make_reducer(Communicator& comm, bool deterministic);

}  // namespace hcdc::dist
