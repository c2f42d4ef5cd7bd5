#pragma once
#include <string>

#include "hcdc/data/graph.hpp"

namespace hcdc::data {

// An OGB node-property dataset in its raw layout (how ogbn-arxiv / ogbn-products are unpacked):
//   DIR/raw/edge.csv.gz          "src,dst" per line (directed; symmetrised here, as GNN practice does)
//   DIR/raw/node-feat.csv.gz     one line of F numbers per node
//   DIR/raw/node-label.csv.gz    one integer class per node
//   DIR/raw/num-node-list.csv.gz optional: the node count, checked against node-feat
//   DIR/split/<scheme>/{train,valid,test}.csv.gz   one node id per line
// `scheme` empty picks the only folder under split/ (arxiv: time, products: sales_ranking).
// Every id, count and number is checked; errors name the file and the line (InputError).
Graph load_ogb_raw(const std::string& dir, const std::string& scheme);

}  // namespace hcdc::data
