#include "hcdc/condense/coreset.hpp"

#include <algorithm>
#include <random>

namespace hcdc::condense {

std::vector<std::int64_t> kcenter_greedy(const torch::Tensor& points, std::int64_t k) {
  torch::NoGradGuard ng;
  auto x = points.to(torch::kDouble);
  auto mean = x.mean(0, true);
  std::vector<std::int64_t> chosen{(x - mean).pow(2).sum(1).argmin().item<std::int64_t>()};
  auto mind = (x - x[chosen[0]]).pow(2).sum(1);
  while (static_cast<std::int64_t>(chosen.size()) < k) {
    auto next = mind.argmax().item<std::int64_t>();
    chosen.push_back(next);
    mind = torch::minimum(mind, (x - x[next]).pow(2).sum(1));
  }
  return chosen;
}

std::vector<std::int64_t> herding(const torch::Tensor& points, std::int64_t k) {
  torch::NoGradGuard ng;
  auto x = points.to(torch::kDouble);
  auto mu = x.mean(0);
  auto sum = torch::zeros_like(mu);
  auto taken = torch::zeros({x.size(0)}, torch::kBool);
  std::vector<std::int64_t> chosen;
  for (std::int64_t i = 0; i < k; ++i) {
    auto d = ((i + 1) * mu - sum - x).pow(2).sum(1);
    d.masked_fill_(taken, std::numeric_limits<double>::infinity());
    auto j = d.argmin().item<std::int64_t>();
    chosen.push_back(j);
    taken[j] = true;
    sum += x[j];
  }
  return chosen;
}

std::vector<std::int64_t> select_coreset(CoresetKind kind, const torch::Tensor& emb,
                                         const std::vector<std::int64_t>& pool_labels,
                                         const std::vector<std::int64_t>& per_class, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> out;
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    std::vector<std::int64_t> members;
    for (std::size_t i = 0; i < pool_labels.size(); ++i)
      if (pool_labels[i] == static_cast<std::int64_t>(c)) members.push_back(static_cast<std::int64_t>(i));
    std::vector<std::int64_t> local;
    if (kind == CoresetKind::kRandom) {
      std::shuffle(members.begin(), members.end(), rng);
      members.resize(static_cast<std::size_t>(per_class[c]));
      out.insert(out.end(), members.begin(), members.end());
      continue;
    }
    auto pts = emb.index_select(0, torch::tensor(members, torch::kLong));
    local = kind == CoresetKind::kKCenter ? kcenter_greedy(pts, per_class[c]) : herding(pts, per_class[c]);
    for (auto l : local) out.push_back(members[static_cast<std::size_t>(l)]);
  }
  return out;
}

}  // namespace hcdc::condense
