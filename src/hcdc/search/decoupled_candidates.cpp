// The decoupled filter family as search candidates: λ mixes the propagated blocks, then an MLP
// of `layers` layers and `hidden` units (models/decoupled_filter.hpp).
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {
namespace {

std::shared_ptr<models::ModelFamily> make_decoupled(const Candidate& c, std::int64_t features, std::int64_t classes) {
  models::DecoupledConfig cfg;
  cfg.blocks = static_cast<std::int64_t>(c.lambda.size());
  cfg.features = features;
  cfg.hidden = c.hidden;
  cfg.layers = c.layers;
  return std::make_shared<models::DecoupledFilter>(classes, cfg);
}

CandidateFamily decoupled_family() {
  CandidateFamily f;
  f.help = "MLP on Σ_k λ_k B_k X (propagation once, before training; SGC/SIGN style)";
  f.carries = "filter blocks × features";
  f.sample_shape = [](std::int64_t blocks, std::int64_t features) { return std::vector<std::int64_t>{blocks, features}; };
  f.make = make_decoupled;
  return f;
}

}  // namespace

HCDC_REGISTER(candidate_families(), "decoupled-filter", 10, decoupled_family());

}  // namespace hcdc::search
