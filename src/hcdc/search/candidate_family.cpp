#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {

Registry<CandidateFamily>& candidate_families() {
  static Registry<CandidateFamily> r("candidate model family");
  return r;
}

CandidateFamily message_passing_family(
    std::string help,
    std::function<std::shared_ptr<models::ModelFamily>(const Candidate& c, std::int64_t features, std::int64_t classes)>
        make) {
  CandidateFamily f;
  f.help = std::move(help);
  f.carries = "node features, over the condensed set's own graph";
  f.sample_shape = [](std::int64_t, std::int64_t features) { return std::vector<std::int64_t>{features}; };
  f.make = std::move(make);
  f.message_passing = true;
  return f;
}

int hops_per_layer(const Candidate& c) {
  const auto& f = candidate_families().at(c.family);
  return f.hops_per_layer ? f.hops_per_layer(with_fixed_lambda(c)) : 1;
}

Candidate with_fixed_lambda(const Candidate& c) {
  const auto& f = candidate_families().at(c.family);
  return f.fixed_lambda ? f.fixed_lambda(c) : c;
}

bool is_message_passing(const std::string& family) { return candidate_families().at(family).message_passing; }

bool is_image_family(const std::string& family) { return candidate_families().at(family).images; }

std::shared_ptr<models::ModelFamily> make_model(const Candidate& c, std::int64_t features, std::int64_t classes) {
  return candidate_families().at(c.family).make(c, features, classes);
}

}  // namespace hcdc::search
