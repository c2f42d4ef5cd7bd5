#pragma once
// Search spaces ([search] kind), by name: each candidate is a filter-coefficient vector λ (the
// continuous hyperparameters) with a width and a depth (discrete choices), of a candidate model
// family ([search] family, search/candidate_family.hpp). A space joins from its own file in one
// line, with its own keys:
//   HCDC_REGISTER(search::search_spaces(), "my-space", 100, search::SearchSpaceKind{help, parse, generate});
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/core/registry.hpp"

namespace hcdc::search {

struct Candidate {
  std::string name;
  std::string family = "decoupled-filter";  // a search::candidate_families() name
  std::vector<double> lambda;  // K+1 filter coefficients; for a supernet, the mixing weights α
  std::int64_t hidden = 64;
  int layers = 2;
  std::vector<std::string> convs;  // a supernet family's convolutions, in λ's order (else empty)
  std::string basis = "monomial";  // the space's filter basis (coupled filters propagate with it)
  // Image-cell candidates (search/image_cell_candidates.cpp): the images' channel count; λ is the
  // one-hot α over `convs` (the cell's operations) on every edge. 0 for graph candidates.
  std::int64_t in_channels = 0;
};

struct SearchSpaceSpec {
  std::string kind = "continuous";  // a search_spaces() name
  std::string family = "decoupled-filter";  // a candidate_families() name
  int order = 2;                    // K: blocks 0..K
  std::string basis = "monomial";
  // continuous: num_candidates points drawn uniformly from [low, high]^(K+1) with `seed`
  int num_candidates = 80;
  double low = -1.0, high = 1.0;
  std::uint64_t seed = 0;
  std::int64_t hidden = 64;
  int layers = 2;
  // named: filters × widths × depths (decoupled: mlp = λ e_0, gcn = e_1, sgc-k = e_k for k ≤ K;
  // a message-passing family: each filter a convolution of models/message_passing.hpp, λ the
  // one-hot α over `filters`)
  std::vector<std::string> filters{"mlp", "gcn", "sgc-2"};
  std::vector<double> widths{128, 256};
  std::vector<double> depths{2, 4};
  // cell (images): num_candidates architectures sampled with `seed`, one operation of `cell_ops`
  // per edge of a cell of `cell_nodes` states, a width from `widths`, for `image_channels`-channel
  // images.
  std::int64_t image_channels = 1;
  int cell_nodes = 4;
  std::vector<std::string> cell_ops{"zero", "identity", "conv1x1", "conv3x3", "avgpool3x3"};
};

struct SearchSpaceKind {
  std::string help;
  // Reads the kind's own keys of [search] into `s` (the common ones are read already); every
  // check of the space happens here, so generating it cannot fail.
  std::function<void(config::StrictTable& t, SearchSpaceSpec& s)> parse;
  std::function<std::vector<Candidate>(const SearchSpaceSpec& s)> generate;
  // Spaces a sample-based search can walk beyond the generated candidates (search/
  // architecture_search.hpp): one candidate drawn from the whole space, and a neighbour of a
  // candidate (one coordinate changed). Unset: only grid search over the generated candidates.
  std::function<Candidate(const SearchSpaceSpec& s, std::mt19937_64& rng)> sample{};
  std::function<Candidate(const SearchSpaceSpec& s, const Candidate& c, std::mt19937_64& rng)> mutate{};
};
Registry<SearchSpaceKind>& search_spaces();

SearchSpaceSpec parse_search_space(config::StrictTable t);
// The candidates, in a fixed order, each of the space's family.
std::vector<Candidate> make_candidates(const SearchSpaceSpec& s);
// Whether the space's kind can sample and mutate candidates (SearchSpaceKind::sample, ::mutate).
bool can_walk(const SearchSpaceSpec& s);
// A candidate drawn from the whole space, and a neighbour of `c`, each of the space's family;
// SettingError naming search.kind where the kind cannot (can_walk).
Candidate sample_candidate(const SearchSpaceSpec& s, std::mt19937_64& rng);
Candidate mutate_candidate(const SearchSpaceSpec& s, const Candidate& c, std::mt19937_64& rng);

}  // namespace hcdc::search
