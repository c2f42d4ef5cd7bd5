#pragma once
// Search spaces over the decoupled filter family: each candidate is a filter-coefficient vector
// λ (the continuous hyperparameters) with a width and a depth (discrete choices).
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/config/strict_table.hpp"

namespace hcdc::search {

struct Candidate {
  std::string name;
  std::vector<double> lambda;  // K+1 filter coefficients
  std::int64_t hidden = 64;
  int layers = 2;
};

struct SearchSpaceSpec {
  std::string kind = "continuous";  // continuous | named
  int order = 2;                    // K: blocks 0..K
  std::string basis = "monomial";
  // continuous: num_candidates points drawn uniformly from [low, high]^(K+1) with `seed`
  int num_candidates = 80;
  double low = -1.0, high = 1.0;
  std::uint64_t seed = 0;
  std::int64_t hidden = 64;
  int layers = 2;
  // named: filters × widths × depths (mlp = λ e_0, gcn = e_1, sgc-k = e_k for k ≤ K)
  std::vector<std::string> filters{"mlp", "gcn", "sgc-2"};
  std::vector<double> widths{128, 256};
  std::vector<double> depths{2, 4};
};

SearchSpaceSpec parse_search_space(config::StrictTable t);
std::vector<Candidate> make_candidates(const SearchSpaceSpec& s, const std::string& file);

}  // namespace hcdc::search
