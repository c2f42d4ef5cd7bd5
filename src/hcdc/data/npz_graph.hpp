#pragma once
#include <cstdint>
#include <string>

#include "hcdc/data/graph.hpp"

namespace hcdc::data {

// A node classification graph in the layout of yandex-research/heterophilous-graphs (tolokers,
// minesweeper, roman-empire, ...): one .npz with `node_features` [N, F], `node_labels` [N],
// `edges` [E, 2] (each undirected edge once; both directions or repeats are merged), and
// `train_masks` / `val_masks` / `test_masks`, boolean [S, N] (S splits) or [N] (one split).
// `split` picks one of the S splits. Every size, id and mask is checked; errors name the file
// and the array (InputError).
Graph load_npz_graph(const std::string& path, std::int64_t split);

// The provenance `source` of an imported split: "PATH (split I)".
std::string npz_source(const std::string& path, std::int64_t split);

}  // namespace hcdc::data
