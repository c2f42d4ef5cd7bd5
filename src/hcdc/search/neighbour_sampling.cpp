#include "hcdc/search/neighbour_sampling.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {

NeighbourSampler::NeighbourSampler(const models::GraphOperators& g) {
  const torch::Tensor& adj = g.op(models::GraphOp::kAdj);
  if (!adj.is_sparse()) throw std::logic_error("NeighbourSampler needs a graph with sparse operators (an original graph)");
  // The coalesced adjacency is row-major: targets ascending, so its edges are already a CSR.
  const torch::Tensor dst = g.targets().contiguous(), src = g.sources().contiguous();
  const torch::Tensor w = adj.values().to(torch::kFloat).contiguous();
  const auto n = g.num_nodes(), m = dst.numel();
  indptr_.assign(static_cast<std::size_t>(n + 1), 0);
  const auto* d = dst.data_ptr<std::int64_t>();
  for (std::int64_t k = 0; k < m; ++k) ++indptr_[static_cast<std::size_t>(d[k] + 1)];
  std::partial_sum(indptr_.begin(), indptr_.end(), indptr_.begin());
  sources_.assign(src.data_ptr<std::int64_t>(), src.data_ptr<std::int64_t>() + m);
  weights_.assign(w.data_ptr<float>(), w.data_ptr<float>() + m);
}

SampledBatch NeighbourSampler::sample(const std::vector<std::int64_t>& seeds, const std::vector<int>& hop_fanouts,
                                      std::mt19937_64& rng, torch::Dtype dtype) const {
  std::vector<std::int64_t> nodes;                 // local id → original id
  std::unordered_map<std::int64_t, std::int64_t> local;  // original id → local id
  local.reserve(seeds.size() * 8);
  for (auto s : seeds) {
    if (s < 0 || s >= num_nodes()) throw std::out_of_range("NeighbourSampler: seed outside the graph");
    if (local.emplace(s, static_cast<std::int64_t>(nodes.size())).second) nodes.push_back(s);
  }
  struct Edge {
    std::int64_t target, source;  // local ids
    float weight;
  };
  std::vector<Edge> edges;
  std::vector<std::int64_t> picks;
  std::size_t begin = 0, end = nodes.size();  // this hop's frontier: nodes[begin, end)
  for (int fanout : hop_fanouts) {
    for (std::size_t f = begin; f < end; ++f) {
      const std::int64_t u = nodes[f];
      const auto lo = indptr_[static_cast<std::size_t>(u)], deg = indptr_[static_cast<std::size_t>(u) + 1] - lo;
      picks.resize(static_cast<std::size_t>(deg));
      std::iota(picks.begin(), picks.end(), lo);
      std::int64_t take = deg;
      if (fanout >= 0 && fanout < deg) {
        // A partial Fisher–Yates shuffle: the first `fanout` entries are a uniform draw without replacement.
        take = fanout;
        for (std::int64_t k = 0; k < take; ++k) {
          std::uniform_int_distribution<std::int64_t> pick(k, deg - 1);
          std::swap(picks[static_cast<std::size_t>(k)], picks[static_cast<std::size_t>(pick(rng))]);
        }
      }
      for (std::int64_t k = 0; k < take; ++k) {
        const auto e = static_cast<std::size_t>(picks[static_cast<std::size_t>(k)]);
        const std::int64_t v = sources_[e];
        auto [it, fresh] = local.emplace(v, static_cast<std::int64_t>(nodes.size()));
        if (fresh) nodes.push_back(v);
        edges.push_back({static_cast<std::int64_t>(f), it->second, weights_[e]});
      }
    }
    begin = end;
    end = nodes.size();
  }
  // The subgraph as CSR by target, sources ascending within a row (from_csr's layout).
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return a.target != b.target ? a.target < b.target : a.source < b.source; });
  const auto n = static_cast<std::int64_t>(nodes.size());
  std::vector<std::int64_t> indptr(static_cast<std::size_t>(n + 1), 0), indices;
  std::vector<float> weights;
  indices.reserve(edges.size());
  weights.reserve(edges.size());
  for (const auto& e : edges) {
    ++indptr[static_cast<std::size_t>(e.target + 1)];
    indices.push_back(e.source);
    weights.push_back(e.weight);
  }
  std::partial_sum(indptr.begin(), indptr.end(), indptr.begin());
  SampledBatch b;
  b.nodes = torch::tensor(nodes, torch::kLong);
  b.graph = std::make_shared<models::GraphOperators>(models::GraphOperators::from_csr(n, indptr, indices, weights, dtype));
  return b;
}

std::vector<int> hop_fanouts(const Candidate& c, const std::vector<int>& layer_fanouts) {
  const int per_layer = hops_per_layer(c);
  std::vector<int> hops;
  for (int f : layer_fanouts) hops.insert(hops.end(), static_cast<std::size_t>(per_layer), f);
  return hops;
}

}  // namespace hcdc::search
