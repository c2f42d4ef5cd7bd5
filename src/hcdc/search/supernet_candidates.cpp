// The conv supernet as search candidates: a named GNN (one-hot α over the space's convolutions)
// of `layers` layers and `hidden` units, trained end to end on the graph it is given
// (models/conv_supernet.hpp).
#include <algorithm>

#include "hcdc/models/conv_supernet.hpp"
#include "hcdc/models/message_passing.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {
namespace {

std::shared_ptr<models::ModelFamily> make_supernet(const Candidate& c, std::int64_t features, std::int64_t classes) {
  models::ConvSupernetConfig cfg;
  for (const auto& name : c.convs) cfg.convs.push_back(models::parse_conv(name));
  cfg.hidden = c.hidden;
  cfg.layers = c.layers;
  return std::make_shared<models::ConvSupernet>(features, classes, cfg);
}

CandidateFamily supernet_family() {
  CandidateFamily f = message_passing_family(
      "message-passing GNNs: every layer mixes the named convolutions by α (one-hot: GCN, SAGE, GAT, GIN, SGC, "
      "ChebNet), trained on the graph itself",
      make_supernet);
  f.fixed_lambda = [](const Candidate& c) {
    Candidate used = c;
    used.convs.clear();
    used.lambda.clear();
    for (std::size_t j = 0; j < c.convs.size(); ++j)
      if (c.lambda.at(j) != 0.0) {
        used.convs.push_back(c.convs[j]);
        used.lambda.push_back(c.lambda[j]);
      }
    return used.convs.empty() ? c : used;
  };
  f.hops_per_layer = [](const Candidate& c) {  // a mixed layer reaches as far as its farthest convolution
    int hops = 0;
    for (const auto& name : c.convs) hops = std::max(hops, models::conv_hops(models::parse_conv(name)));
    return hops;
  };
  return f;
}

}  // namespace

HCDC_REGISTER(candidate_families(), "conv-supernet", 20, supernet_family());

}  // namespace hcdc::search
