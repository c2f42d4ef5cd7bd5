// The built-in search spaces over filter coefficients: `continuous` (λ drawn uniformly from a
// box) and `named` (textbook filters as one-hot λ × widths × depths).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "hcdc/core/registry.hpp"
#include "hcdc/models/message_passing.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::search {
namespace {

void parse_continuous(config::StrictTable& t, SearchSpaceSpec& s) {
  s.num_candidates = static_cast<int>(t.get<std::int64_t>("num_candidates", s.num_candidates));
  s.low = t.get<double>("low", s.low);
  s.high = t.get<double>("high", s.high);
  s.seed = static_cast<std::uint64_t>(t.get<std::int64_t>("seed", 0));
  s.hidden = t.get<std::int64_t>("hidden", s.hidden);
  s.layers = static_cast<int>(t.get<std::int64_t>("layers", s.layers));
  if (s.num_candidates < 2) t.fail("num_candidates", "must be >= 2 (a ranking needs two candidates)");
  if (!(s.low < s.high) || !std::isfinite(s.low) || !std::isfinite(s.high)) t.fail("low", "need finite low < high");
  if (s.hidden < 1) t.fail("hidden", "must be >= 1");
  if (s.layers < 1) t.fail("layers", "must be >= 1");
  if (s.family == "conv-supernet")
    t.fail("family", "conv-supernet candidates are named convolutions: use kind = \"named\" (the continuous space's "
                     "message-passing family is \"coupled-filter\")");
}

std::vector<Candidate> continuous(const SearchSpaceSpec& s) {
  std::vector<Candidate> out;
  std::mt19937_64 rng(s.seed);
  std::uniform_real_distribution<double> u(s.low, s.high);
  for (int i = 0; i < s.num_candidates; ++i) {
    Candidate c;
    c.name = fmt::format("c{:03d}", i);
    for (int k = 0; k <= s.order; ++k) c.lambda.push_back(u(rng));
    c.hidden = s.hidden;
    c.layers = s.layers;
    out.push_back(c);
  }
  return out;
}

// The block a named filter selects (mlp = 0, gcn = 1, sgc-k = k), or -1 when it is not one.
int named_block(const std::string& f) {
  if (f == "mlp") return 0;
  if (f == "gcn") return 1;
  if (f.rfind("sgc-", 0) == 0 && f.size() > 4 && f.find_first_not_of("0123456789", 4) == std::string::npos) {
    const int k = std::atoi(f.c_str() + 4);
    return k >= 1 ? k : -1;
  }
  return -1;
}

void parse_named(config::StrictTable& t, SearchSpaceSpec& s) {
  const bool convs = is_message_passing(s.family) && s.family != "coupled-filter";
  s.filters = t.get<std::vector<std::string>>("filters", convs ? models::conv_names() : s.filters);
  s.widths = t.get<std::vector<double>>("widths", s.widths);
  s.depths = t.get<std::vector<double>>("depths", s.depths);
  for (std::size_t i = 0; convs && i < s.filters.size(); ++i) {
    try {
      models::parse_conv(s.filters[i]);
    } catch (const UnknownName& e) {
      t.fail(fmt::format("filters[{}]", i), e.what());
    }
  }
  if (s.family == "coupled-filter")
    t.fail("family", "the named space's candidates are convolutions: use family = \"conv-supernet\" (or "
                     "\"decoupled-filter\" for mlp/gcn/sgc-K)");
  for (std::size_t i = 0; !convs && i < s.filters.size(); ++i) {
    const int k = named_block(s.filters[i]);
    if (k < 0)
      t.fail(fmt::format("filters[{}]", i),
             fmt::format("'{}' is not a point of the decoupled filter family (mlp, gcn, sgc-K)", s.filters[i]));
    if (k > s.order)
      t.fail(fmt::format("filters[{}]", i), fmt::format("'{}' needs order >= {} (order = {})", s.filters[i], k, s.order));
  }
  for (double w : s.widths)
    if (!(w >= 1) || w != std::floor(w)) t.fail("widths", "widths must be integers >= 1");
  // GAT's hidden layers split the width over 8 heads (models/conv_supernet.hpp).
  const bool gat = convs && std::find(s.filters.begin(), s.filters.end(), "gat") != s.filters.end();
  for (double w : s.widths)
    if (gat && static_cast<std::int64_t>(w) % 8 != 0)
      t.fail("widths", fmt::format("width {} is not a multiple of GAT's 8 heads", static_cast<std::int64_t>(w)));
  for (double d : s.depths)
    if (!(d >= 1) || d != std::floor(d)) t.fail("depths", "depths must be integers >= 1");
  if (s.filters.size() * s.widths.size() * s.depths.size() < 2)
    t.fail("filters", "the space needs at least two candidates");
}

std::vector<Candidate> named(const SearchSpaceSpec& s) {
  const bool convs = is_message_passing(s.family);
  std::vector<Candidate> out;
  for (std::size_t fi = 0; fi < s.filters.size(); ++fi)
    for (double w : s.widths)
      for (double d : s.depths) {
        const auto& f = s.filters[fi];
        Candidate c;
        c.name = fmt::format("{}-w{}-d{}", f, static_cast<int>(w), static_cast<int>(d));
        if (convs) {
          c.convs = s.filters;  // the supernet mixes every filter of the space; α picks one
          c.lambda.assign(s.filters.size(), 0.0);
          c.lambda[fi] = 1.0;
        } else {
          c.lambda.assign(static_cast<std::size_t>(s.order + 1), 0.0);
          c.lambda[static_cast<std::size_t>(named_block(f))] = 1.0;
        }
        c.hidden = static_cast<std::int64_t>(w);
        c.layers = static_cast<int>(d);
        out.push_back(c);
      }
  return out;
}

}  // namespace

HCDC_REGISTER(search_spaces(), "continuous", 10,
              SearchSpaceKind{"num_candidates filter-coefficient vectors drawn uniformly from [low, high]^(order+1)",
                              parse_continuous, continuous, {}, {}});
HCDC_REGISTER(search_spaces(), "named", 20,
              SearchSpaceKind{"textbook filters × widths × depths: decoupled-filter: mlp, gcn, sgc-K as one-hot λ; "
                              "conv-supernet: the ten named convolutions (gcn, sage-mean, sage-max, gat, gin-eps, "
                              "gin-0, sgc-2, sgc-3, chebnet-2, chebnet-3; all by default) as one-hot α",
                              parse_named, named, {}, {}});

}  // namespace hcdc::search
