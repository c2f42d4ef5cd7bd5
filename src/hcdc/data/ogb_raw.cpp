#include "hcdc/data/ogb_raw.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "hcdc/core/error.hpp"
#include "hcdc/data/csv_gz.hpp"
#include "hcdc/data/edge_list.hpp"

namespace hcdc::data {
namespace {

namespace fs = std::filesystem;

std::string need_file(const fs::path& p) {
  if (!fs::is_regular_file(p)) throw InputError(p.string(), "", "file missing (OGB raw layout, see README: Data)");
  return p.string();
}

std::string pick_scheme(const fs::path& dir, const std::string& scheme) {
  const fs::path split = dir / "split";
  if (!fs::is_directory(split)) throw InputError(split.string(), "", "folder missing (OGB raw layout: split/<scheme>/)");
  std::vector<std::string> schemes;
  for (const auto& e : fs::directory_iterator(split))
    if (e.is_directory()) schemes.push_back(e.path().filename().string());
  std::sort(schemes.begin(), schemes.end());
  if (!scheme.empty()) {
    if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end())
      throw InputError(split.string(), "split scheme",
                       fmt::format("no folder '{}' (present: {})", scheme, fmt::join(schemes, ", ")));
    return scheme;
  }
  if (schemes.size() != 1)
    throw InputError(split.string(), "split scheme",
                     fmt::format("{} schemes present ({}): choose one with --split-scheme", schemes.size(),
                                 fmt::join(schemes, ", ")));
  return schemes.front();
}

// One node id per line, each in [0, n); returned sorted, duplicates refused.
std::vector<std::int64_t> read_node_ids(const std::string& path, std::int64_t n) {
  CsvGzReader r(path);
  std::vector<std::int64_t> ids, f;
  while (r.next_ints(f)) {
    if (f.size() != 1 || f[0] < 0 || f[0] >= n)
      throw InputError(path, fmt::format("line {}", r.line_number()),
                       fmt::format("one node id in [0, {}) expected", n));
    ids.push_back(f[0]);
  }
  std::sort(ids.begin(), ids.end());
  auto dup = std::adjacent_find(ids.begin(), ids.end());
  if (dup != ids.end()) throw InputError(path, "", fmt::format("node {} listed twice", *dup));
  if (ids.empty()) throw InputError(path, "", "no node listed");
  return ids;
}

void check_disjoint(const std::string& a_path, const std::vector<std::int64_t>& a, const std::string& b_path,
                    const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  if (!both.empty())
    throw InputError(b_path, "", fmt::format("{} node(s) also in {}, e.g. node {}", both.size(), a_path, both.front()));
}

}  // namespace

Graph load_ogb_raw(const std::string& dir_name, const std::string& scheme_name) {
  const fs::path dir(dir_name);
  if (!fs::is_directory(dir)) throw InputError(dir_name, "", "not a folder (OGB raw layout expected)");
  const std::string scheme = pick_scheme(dir, scheme_name);
  const fs::path raw = dir / "raw", split = dir / "split" / scheme;
  const std::string feat_path = need_file(raw / "node-feat.csv.gz"), label_path = need_file(raw / "node-label.csv.gz"),
                    edge_path = need_file(raw / "edge.csv.gz");
  const std::string train_path = need_file(split / "train.csv.gz"), val_path = need_file(split / "valid.csv.gz"),
                    test_path = need_file(split / "test.csv.gz");

  Graph g;
  {
    CsvGzReader r(feat_path);
    std::vector<float> row;
    while (r.next_floats(row)) {
      if (g.num_nodes == 0) g.num_features = static_cast<std::int64_t>(row.size());
      if (static_cast<std::int64_t>(row.size()) != g.num_features)
        throw InputError(feat_path, fmt::format("line {}", r.line_number()),
                         fmt::format("{} features, but the first line has {}", row.size(), g.num_features));
      g.features.insert(g.features.end(), row.begin(), row.end());
      ++g.num_nodes;
    }
    if (g.num_nodes == 0) throw InputError(feat_path, "", "no node");
  }
  if (fs::is_regular_file(raw / "num-node-list.csv.gz")) {
    const std::string p = (raw / "num-node-list.csv.gz").string();
    CsvGzReader r(p);
    std::vector<std::int64_t> f;
    if (!r.next_ints(f) || f.size() != 1 || f[0] != g.num_nodes)
      throw InputError(p, "line 1", fmt::format("the node count differs from {}'s {} lines", feat_path, g.num_nodes));
  }
  {
    CsvGzReader r(label_path);
    std::vector<std::int64_t> f;
    while (r.next_ints(f)) {
      if (f.size() != 1 || f[0] < 0)
        throw InputError(label_path, fmt::format("line {}", r.line_number()), "one class id >= 0 expected");
      g.labels.push_back(f[0]);
    }
    if (static_cast<std::int64_t>(g.labels.size()) != g.num_nodes)
      throw InputError(label_path, "", fmt::format("{} labels for {} nodes", g.labels.size(), g.num_nodes));
    g.num_classes = *std::max_element(g.labels.begin(), g.labels.end()) + 1;
  }
  {
    CsvGzReader r(edge_path);
    std::vector<std::int64_t> f;
    EdgeList edges;
    while (r.next_ints(f)) {
      if (f.size() != 2 || f[0] < 0 || f[0] >= g.num_nodes || f[1] < 0 || f[1] >= g.num_nodes)
        throw InputError(edge_path, fmt::format("line {}", r.line_number()),
                         fmt::format("two node ids in [0, {}) expected", g.num_nodes));
      edges.emplace_back(f[0], f[1]);
    }
    set_undirected_adjacency(g, std::move(edges));
  }
  g.splits.train = read_node_ids(train_path, g.num_nodes);
  g.splits.val = read_node_ids(val_path, g.num_nodes);
  g.splits.test = read_node_ids(test_path, g.num_nodes);
  check_disjoint(train_path, g.splits.train, val_path, g.splits.val);
  check_disjoint(train_path, g.splits.train, test_path, g.splits.test);
  check_disjoint(val_path, g.splits.val, test_path, g.splits.test);
  return g;
}

}  // namespace hcdc::data
