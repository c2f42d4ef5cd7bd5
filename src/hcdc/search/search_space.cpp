#include "hcdc/search/search_space.hpp"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "hcdc/core/error.hpp"

namespace hcdc::search {

SearchSpaceSpec parse_search_space(config::StrictTable t) {
  SearchSpaceSpec s;
  s.kind = t.get<std::string>("kind", s.kind);
  s.order = static_cast<int>(t.get<std::int64_t>("order", s.order));
  s.basis = t.get<std::string>("basis", s.basis);
  if (s.order < 0 || s.order > 16) t.fail("order", "must be in [0, 16]");
  if (s.basis != "monomial" && s.basis != "chebyshev") t.fail("basis", "must be monomial or chebyshev");
  if (s.kind == "continuous") {
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
  } else if (s.kind == "named") {
    s.filters = t.get<std::vector<std::string>>("filters", s.filters);
    s.widths = t.get<std::vector<double>>("widths", s.widths);
    s.depths = t.get<std::vector<double>>("depths", s.depths);
  } else {
    t.fail("kind", "must be continuous or named (got '" + s.kind + "')");
  }
  t.finish();
  return s;
}

std::vector<Candidate> make_candidates(const SearchSpaceSpec& s, const std::string& file) {
  std::vector<Candidate> out;
  const auto blocks = static_cast<std::size_t>(s.order + 1);
  if (s.kind == "continuous") {
    std::mt19937_64 rng(s.seed);
    std::uniform_real_distribution<double> u(s.low, s.high);
    for (int i = 0; i < s.num_candidates; ++i) {
      Candidate c;
      c.name = fmt::format("c{:03d}", i);
      for (std::size_t k = 0; k < blocks; ++k) c.lambda.push_back(u(rng));
      c.hidden = s.hidden;
      c.layers = s.layers;
      out.push_back(c);
    }
    return out;
  }
  for (std::size_t fi = 0; fi < s.filters.size(); ++fi) {
    const std::string& f = s.filters[fi];
    std::size_t k = 0;
    if (f == "mlp") k = 0;
    else if (f == "gcn") k = 1;
    else if (f.rfind("sgc-", 0) == 0) k = static_cast<std::size_t>(std::atoi(f.c_str() + 4));
    else
      throw InputError(file, fmt::format("search.filters[{}]", fi),
                       fmt::format("'{}' is not a point of the decoupled filter family (mlp, gcn, sgc-K)", f));
    if (k >= blocks || (f.rfind("sgc-", 0) == 0 && k == 0))
      throw InputError(file, fmt::format("search.filters[{}]", fi),
                       fmt::format("'{}' needs order >= {} (search.order = {})", f, k, s.order));
    for (double w : s.widths)
      for (double d : s.depths) {
        if (w < 1 || d < 1) throw InputError(file, "search.widths", "widths and depths must be >= 1");
        Candidate c;
        c.name = fmt::format("{}-w{}-d{}", f, static_cast<int>(w), static_cast<int>(d));
        c.lambda.assign(blocks, 0.0);
        c.lambda[k] = 1.0;
        c.hidden = static_cast<std::int64_t>(w);
        c.layers = static_cast<int>(d);
        out.push_back(c);
      }
  }
  if (out.size() < 2) throw InputError(file, "search.filters", "the space needs at least two candidates");
  return out;
}

}  // namespace hcdc::search
