#include "hcdc/dist/reducer.hpp"

namespace hcdc::dist {

Reducer local_reducer() {
  return [](std::int64_t, const Contributions& mine) {
    torch::Tensor total;
    for (const auto& [i, row] : mine) total = total.defined() ? total + row : row.clone();
    return total;
  };
}

}  // namespace hcdc::dist
