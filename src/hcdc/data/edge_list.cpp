#include "hcdc/data/edge_list.hpp"

#include <algorithm>

namespace hcdc::data {

void set_undirected_adjacency(Graph& g, EdgeList edges) {
  // Drop self-loops first, then add the reverse of every remaining edge in place.
  edges.erase(std::remove_if(edges.begin(), edges.end(), [](const auto& e) { return e.first == e.second; }),
              edges.end());
  const std::size_t m = edges.size();
  edges.reserve(2 * m);
  for (std::size_t e = 0; e < m; ++e) edges.emplace_back(edges[e].second, edges[e].first);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  g.indptr.assign(static_cast<std::size_t>(g.num_nodes + 1), 0);
  g.indices.clear();
  g.indices.reserve(edges.size());
  for (const auto& [u, v] : edges) {
    ++g.indptr[static_cast<std::size_t>(u) + 1];
    g.indices.push_back(v);
  }
  for (std::int64_t i = 0; i < g.num_nodes; ++i) g.indptr[i + 1] += g.indptr[i];
}

}  // namespace hcdc::data
