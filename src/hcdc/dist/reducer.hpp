#pragma once
// How HCDC's per-trajectory contributions meet: each rank holds rows (trajectory index, flat
// tensor) for the trajectories it walks; a reducer returns the total over all trajectories of all
// ranks. It lives in dist (not condense) so that the all-reduce implementations below condense
// need nothing from it.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace hcdc::dist {

using Contributions = std::vector<std::pair<std::int64_t, torch::Tensor>>;
using Reducer = std::function<torch::Tensor(std::int64_t num_trajectories, const Contributions& mine)>;

// One process: sums this rank's rows in the order given.
Reducer local_reducer();

}  // namespace hcdc::dist
