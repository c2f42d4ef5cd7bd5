// The paper's Table-2 model as search candidates (its Appendix J): `layers` message-passing layers
// whose convolution is the truncated power series Σ_k λ_k B_k(Â) in every layer (monomial or
// Chebyshev basis, one weight matrix per layer), ReLU between layers, trained end to end on the
// graph it is given (models/graph_filter_gnn.hpp).
#include "hcdc/core/error.hpp"
#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {
namespace {

std::shared_ptr<models::ModelFamily> make_coupled(const Candidate& c, std::int64_t features, std::int64_t classes) {
  models::GraphFilterConfig cfg;
  cfg.basis = c.basis == "chebyshev" ? models::FilterBasis::kChebyshev : models::FilterBasis::kMonomial;
  cfg.order = static_cast<int>(c.lambda.size()) - 1;
  cfg.layers = c.layers;
  cfg.hidden = c.hidden;
  return std::make_shared<models::GraphFilterGnn>(features, classes, cfg, "coupled-filter");
}

CandidateFamily coupled_family() {
  CandidateFamily f = message_passing_family(
      "message-passing GNN with the filter Σ_k λ_k B_k(Â) inside every layer (the paper's Table-2 model), trained on "
      "the graph itself",
      make_coupled);
  f.hops_per_layer = [](const Candidate& c) { return static_cast<int>(c.lambda.size()) - 1; };  // B_K(Â): K products
  return f;
}

}  // namespace

HCDC_REGISTER(candidate_families(), "coupled-filter", 15, coupled_family());

}  // namespace hcdc::search
