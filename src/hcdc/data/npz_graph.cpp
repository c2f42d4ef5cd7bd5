#include "hcdc/data/npz_graph.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "hcdc/core/error.hpp"
#include "hcdc/data/edge_list.hpp"
#include "hcdc/data/npz_archive.hpp"

namespace hcdc::data {
namespace {

// The node ids of split `split` in mask array `name`: [S, N] or [N] (one split).
std::vector<std::int64_t> mask_nodes(const NpzArchive& z, const std::string& name, std::int64_t n,
                                     std::int64_t split) {
  NpyArray<bool> m = z.read_bool(name);
  std::int64_t splits = 1;
  if (m.shape.size() == 2 && m.shape[1] == n) {
    splits = m.shape[0];
  } else if (!(m.shape.size() == 1 && m.shape[0] == n)) {
    throw InputError(z.path(), name, fmt::format("shape [{}] is neither [num_splits, {}] nor [{}]",
                                                 fmt::join(m.shape, ", "), n, n));
  }
  if (split < 0 || split >= splits)
    throw InputError(z.path(), name, fmt::format("split {} requested, but the file has {} split(s): 0..{}", split,
                                                 splits, splits - 1));
  std::vector<std::int64_t> nodes;
  for (std::int64_t i = 0; i < n; ++i)
    if (m.values[static_cast<std::size_t>(split * n + i)]) nodes.push_back(i);
  if (nodes.empty()) throw InputError(z.path(), name, fmt::format("split {} selects no node", split));
  return nodes;
}

// Names the first node two sorted index sets share, if any.
void check_disjoint(const std::string& path, const std::vector<std::int64_t>& a, const char* an,
                    const std::vector<std::int64_t>& b, const char* bn) {
  std::vector<std::int64_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  if (!both.empty())
    throw InputError(path, fmt::format("{}/{}", an, bn),
                     fmt::format("{} node(s) in both, e.g. node {}", both.size(), both.front()));
}

}  // namespace

std::string npz_source(const std::string& path, std::int64_t split) {
  return fmt::format("{} (split {})", path, split);
}

Graph load_npz_graph(const std::string& path, std::int64_t split) {
  NpzArchive z(path);
  for (const char* name : {"node_features", "node_labels", "edges", "train_masks", "val_masks", "test_masks"})
    if (!z.contains(name))
      throw InputError(path, name, "array missing (a heterophilous-graphs .npz holds node_features, node_labels, "
                                   "edges, train_masks, val_masks, test_masks)");
  Graph g;
  NpyArray<float> x = z.read_float("node_features");
  if (x.shape.size() != 2 || x.shape[0] < 1 || x.shape[1] < 1)
    throw InputError(path, "node_features", fmt::format("shape [{}]: [num_nodes, num_features] expected, both >= 1",
                                                        fmt::join(x.shape, ", ")));
  g.num_nodes = x.shape[0];
  g.num_features = x.shape[1];
  for (std::size_t i = 0; i < x.values.size(); ++i)
    if (!std::isfinite(x.values[i]))
      throw InputError(path, "node_features", fmt::format("entry {} (node {}) is not finite", i, i / g.num_features));
  g.features = std::move(x.values);

  NpyArray<std::int64_t> y = z.read_int("node_labels");
  if (y.shape != std::vector<std::int64_t>{g.num_nodes})
    throw InputError(path, "node_labels", fmt::format("shape [{}]: [{}] expected (one label per node)",
                                                      fmt::join(y.shape, ", "), g.num_nodes));
  for (std::int64_t i = 0; i < g.num_nodes; ++i)
    if (y.values[i] < 0) throw InputError(path, "node_labels", fmt::format("node {} has label {} < 0", i, y.values[i]));
  g.labels = std::move(y.values);
  g.num_classes = *std::max_element(g.labels.begin(), g.labels.end()) + 1;

  NpyArray<std::int64_t> e = z.read_int("edges");
  if (e.shape.size() != 2 || e.shape[1] != 2)
    throw InputError(path, "edges", fmt::format("shape [{}]: [num_edges, 2] expected", fmt::join(e.shape, ", ")));
  EdgeList edges(static_cast<std::size_t>(e.shape[0]));
  for (std::size_t k = 0; k < edges.size(); ++k) {
    std::int64_t u = e.values[2 * k], v = e.values[2 * k + 1];
    if (u < 0 || u >= g.num_nodes || v < 0 || v >= g.num_nodes)
      throw InputError(path, "edges", fmt::format("edge {} = ({}, {}) has a node id outside [0, {})", k, u, v,
                                                  g.num_nodes));
    edges[k] = {u, v};
  }
  e.values = {};
  set_undirected_adjacency(g, std::move(edges));

  g.splits.train = mask_nodes(z, "train_masks", g.num_nodes, split);
  g.splits.val = mask_nodes(z, "val_masks", g.num_nodes, split);
  g.splits.test = mask_nodes(z, "test_masks", g.num_nodes, split);
  check_disjoint(path, g.splits.train, "train_masks", g.splits.val, "val_masks");
  check_disjoint(path, g.splits.train, "train_masks", g.splits.test, "test_masks");
  check_disjoint(path, g.splits.val, "val_masks", g.splits.test, "test_masks");
  return g;
}

}  // namespace hcdc::data
