#include "hcdc/condense/condensed_tensors.hpp"

#include <vector>

namespace hcdc::condense {
namespace {

std::vector<float> floats(const torch::Tensor& t) {
  auto c = t.detach().contiguous().to(torch::kFloat);
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

std::vector<std::int64_t> longs(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kLong);
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

search::LabelledBlocks blocks(const std::vector<float>& x, const std::vector<std::int64_t>& y,
                              const std::vector<std::int64_t>& shape, torch::ScalarType dtype) {
  std::vector<std::int64_t> dims{static_cast<std::int64_t>(y.size())};
  dims.insert(dims.end(), shape.begin(), shape.end());
  return search::blocks_of(torch::tensor(x, torch::kFloat).view(dims).to(dtype), torch::tensor(y, torch::kLong));
}

}  // namespace

data::CondensedSet to_condensed_set(const CondensedPair& pair) {
  data::CondensedSet out;
  auto sizes = pair.s_train.x.sizes();
  out.sample_shape.assign(sizes.begin() + 1, sizes.end());
  out.x_train = floats(pair.s_train.x);
  out.y_train = longs(pair.s_train.y);
  out.x_val = floats(pair.s_val.x);
  out.y_val = longs(pair.s_val.y);
  if (pair.adjacency.defined()) out.adjacency = floats(pair.adjacency);
  out.history = pair.history;
  return out;
}

CondensedPair from_condensed_set(const data::CondensedSet& cs, torch::ScalarType dtype) {
  CondensedPair p;
  p.s_train = blocks(cs.x_train, cs.y_train, cs.sample_shape, dtype);
  p.s_val = blocks(cs.x_val, cs.y_val, cs.sample_shape, dtype);
  if (!cs.adjacency.empty()) {
    const auto m = static_cast<std::int64_t>(cs.y_train.size() + cs.y_val.size());
    p.adjacency = torch::tensor(cs.adjacency, torch::kFloat).view({m, m}).to(dtype);
  }
  return p;
}

}  // namespace hcdc::condense
