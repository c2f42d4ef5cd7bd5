#pragma once
// Neighbour-sampled minibatches for message-passing candidates on graphs too large, or too slow,
// to train on in full batch (GraphSAGE's sampler, with PyTorch Geometric's NeighborLoader
// semantics): from a batch of seed nodes, hop h draws up to fanout[h] in-neighbours of every node
// first reached at hop h − 1 (the seeds are hop 0), without replacement; each drawn edge j → i
// joins the subgraph, and a node drawn for the first time joins the next hop's frontier. The
// model then runs on that subgraph, its operators normalised on the subgraph's own degrees (as
// PyG's convolutions normalise a sampled edge_index), and the loss is taken at the seeds. With
// every fan-out "all" (−1) a seed sees its whole neighbourhood within the hops, so an aggregation
// that depends only on a node's own in-edges (SAGE-mean, GIN) gives each seed its full-graph output.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "hcdc/models/graph_operators.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::search {

struct SampledBatch {
  torch::Tensor nodes;  // the subgraph's nodes as ids of the original graph; the seeds first, in their order
  std::shared_ptr<const models::GraphOperators> graph;  // over nodes' order: the sampled edges only
};

class NeighbourSampler {
 public:
  // The edges j → i of g (sparse operators; its adjacency's weights are kept).
  explicit NeighbourSampler(const models::GraphOperators& g);
  // hop_fanouts[h] ≥ 1, or −1 for every neighbour. Deterministic given rng's state.
  SampledBatch sample(const std::vector<std::int64_t>& seeds, const std::vector<int>& hop_fanouts, std::mt19937_64& rng,
                      torch::Dtype dtype) const;
  std::int64_t num_nodes() const { return static_cast<std::int64_t>(indptr_.size()) - 1; }

 private:
  std::vector<std::int64_t> indptr_, sources_;  // CSR by target
  std::vector<float> weights_;
};

// A candidate's per-hop fan-outs from one fan-out per layer: each propagation inside a layer is a
// hop and draws with its layer's fan-out (SGC-K and coupled filters of order K propagate K
// times a layer, ChebNet-K K − 1 times; GCN, SAGE, GAT and GIN once).
std::vector<int> hop_fanouts(const Candidate& c, const std::vector<int>& layer_fanouts);

}  // namespace hcdc::search
