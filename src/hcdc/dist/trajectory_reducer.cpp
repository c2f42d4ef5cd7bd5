#include "hcdc/dist/trajectory_reducer.hpp"

namespace hcdc::dist {

Reducer make_reducer(Communicator& comm, bool deterministic) {
  return [&comm, deterministic](std::int64_t p, const Contributions& mine) -> torch::Tensor {
    if (mine.empty()) throw std::logic_error("every rank must own at least one trajectory");
    const auto width = mine.front().second.numel();
    const auto opts = mine.front().second.options();
    if (!deterministic) {
      torch::Tensor total = torch::zeros({width}, opts);
      for (const auto& [i, row] : mine) total += row;
      comm.allreduce_sum(total);
      return total;
    }
    torch::Tensor all = torch::zeros({p, width}, opts);
    for (const auto& [i, row] : mine) all[i].copy_(row);
    comm.allreduce_sum(all);
    torch::Tensor total = all[0].clone();
    for (std::int64_t i = 1; i < p; ++i) total += all[i];  // fixed order, independent of the rank count
    return total;
  };
}

}  // namespace hcdc::dist
