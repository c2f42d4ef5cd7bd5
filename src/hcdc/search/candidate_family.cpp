#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {

Registry<CandidateFamily>& candidate_families() {
  static Registry<CandidateFamily> r("candidate model family");
  return r;
}

Candidate with_fixed_lambda(const Candidate& c) {
  const auto& f = candidate_families().at(c.family);
  return f.fixed_lambda ? f.fixed_lambda(c) : c;
}

bool is_message_passing(const std::string& family) { return candidate_families().at(family).message_passing; }

std::shared_ptr<models::ModelFamily> make_model(const Candidate& c, std::int64_t features, std::int64_t classes) {
  return candidate_families().at(c.family).make(c, features, classes);
}

}  // namespace hcdc::search
