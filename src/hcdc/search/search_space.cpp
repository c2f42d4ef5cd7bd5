#include "hcdc/search/search_space.hpp"

#include <fmt/format.h>

#include "hcdc/config/registry_choice.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {

Registry<SearchSpaceKind>& search_spaces() {
  static Registry<SearchSpaceKind> r("search space kind");
  return r;
}

SearchSpaceSpec parse_search_space(config::StrictTable t) {
  SearchSpaceSpec s;
  s.kind = t.get<std::string>("kind", s.kind);
  const SearchSpaceKind& kind = config::choose(t, "kind", s.kind, search_spaces());
  s.family = t.get<std::string>("family", s.family);
  config::choose(t, "family", s.family, candidate_families());
  s.order = static_cast<int>(t.get<std::int64_t>("order", s.order));
  s.basis = t.get<std::string>("basis", s.basis);
  if (s.order < 0 || s.order > 16) t.fail("order", "must be in [0, 16]");
  if (s.basis != "monomial" && s.basis != "chebyshev") t.fail("basis", "must be monomial or chebyshev");
  if (!t.recording() && is_image_family(s.family) != (s.kind == "cell"))
    t.fail("family", fmt::format("search.kind = \"{}\" and family = \"{}\" do not go together: image cells (kind "
                                 "\"cell\") are the family \"image-cell\", and only it",
                                 s.kind, s.family));
  if (!t.recording()) kind.parse(t, s);  // the reference lists each kind's keys itself
  t.finish();
  return s;
}

namespace {

Candidate of_space(const SearchSpaceSpec& s, Candidate c) {
  c.family = s.family;
  c.basis = s.basis;
  return c;
}

const SearchSpaceKind& walkable(const SearchSpaceSpec& s) {
  const SearchSpaceKind& kind = search_spaces().at(s.kind);
  if (!kind.sample || !kind.mutate)
    throw SettingError("search.kind", fmt::format("the '{}' space cannot be sampled or mutated beyond its generated "
                                                  "candidates; search it by grid search only",
                                                  s.kind));
  return kind;
}

}  // namespace

std::vector<Candidate> make_candidates(const SearchSpaceSpec& s) {
  std::vector<Candidate> out = search_spaces().at(s.kind).generate(s);
  for (auto& c : out) c = of_space(s, std::move(c));
  return out;
}

bool can_walk(const SearchSpaceSpec& s) {
  const SearchSpaceKind& kind = search_spaces().at(s.kind);
  return kind.sample && kind.mutate;
}

Candidate sample_candidate(const SearchSpaceSpec& s, std::mt19937_64& rng) { return of_space(s, walkable(s).sample(s, rng)); }

Candidate mutate_candidate(const SearchSpaceSpec& s, const Candidate& c, std::mt19937_64& rng) {
  return of_space(s, walkable(s).mutate(s, c, rng));
}

}  // namespace hcdc::search
