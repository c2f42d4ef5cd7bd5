#pragma once
// The model families a search space's candidates belong to, by name: what the condensation
// experiment trains on the original data and on every condensed set. A family states what a
// condensed sample must carry for it, so the evaluation asks the family instead of assuming a
// layout. Register a new one in its own file:
//   HCDC_REGISTER(search::candidate_families(), "my-family", 100, search::CandidateFamily{...});
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hcdc/core/registry.hpp"
#include "hcdc/models/model_family.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::search {

struct CandidateFamily {
  std::string help;
  // What one condensed sample is, in words ("filter blocks × features") and as a shape, for a
  // dataset whose samples are `blocks` × `features` (the search space's propagated blocks).
  std::string carries;
  std::function<std::vector<std::int64_t>(std::int64_t blocks, std::int64_t features)> sample_shape;
  // The model of candidate `c` on samples of `features` features, for `classes` classes.
  std::function<std::shared_ptr<models::ModelFamily>(const Candidate& c, std::int64_t features, std::int64_t classes)>
      make;
  // Candidates that propagate inside every layer: they train on a graph (the original one, or a
  // condensed set's own structure) instead of on precomputed feature blocks.
  bool message_passing = false;
  // Candidates that read images (N×C×H×W samples of an hcdc.image_set file) instead of a graph.
  bool images = false;
  // The candidate as trained with its λ fixed (ground truth, proxy search), where a fixed λ leaves
  // part of the model unused: the supernet keeps only the convolutions a one-hot α selects, so a
  // named candidate carries one convolution's weights, not ten. Unset: the candidate itself.
  std::function<Candidate(const Candidate&)> fixed_lambda;
  // Message-passing families: how many times one layer of the candidate (as trained with its λ
  // fixed) propagates over the graph, for neighbour sampling (search/neighbour_sampling.hpp).
  // Unset: once.
  std::function<int(const Candidate&)> hops_per_layer;
};

Registry<CandidateFamily>& candidate_families();

// A family whose candidates train on a graph: samples are node features (`features` wide), over the
// condensed set's own structure.
CandidateFamily message_passing_family(
    std::string help,
    std::function<std::shared_ptr<models::ModelFamily>(const Candidate& c, std::int64_t features, std::int64_t classes)>
        make);

// `c` as trained with its λ fixed (CandidateFamily::fixed_lambda).
Candidate with_fixed_lambda(const Candidate& c);
// CandidateFamily::hops_per_layer of `c` as trained with its λ fixed.
int hops_per_layer(const Candidate& c);
// Whether a family's candidates train on a graph (CandidateFamily::message_passing).
bool is_message_passing(const std::string& family);
// Whether a family's candidates read images (CandidateFamily::images).
bool is_image_family(const std::string& family);
// The model of candidate `c` (by its family's name).
std::shared_ptr<models::ModelFamily> make_model(const Candidate& c, std::int64_t features, std::int64_t classes);

}  // namespace hcdc::search
