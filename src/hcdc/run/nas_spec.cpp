#include "hcdc/run/nas_spec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace hcdc::run {

NasSpec parse_nas(config::StrictTable t, bool present, const std::vector<std::string>& methods) {
  NasSpec n;
  n.present = present;
  n.algorithms = t.get<std::vector<std::string>>("algorithms", n.algorithms);
  n.sources = t.get<std::vector<std::string>>("sources", n.sources);
  n.budget = t.get<double>("budget", n.budget);
  n.condense_seed = t.get<std::int64_t>("condense_seed", n.condense_seed);
  auto& ev = n.evolution;
  ev.evaluations = static_cast<int>(t.get<std::int64_t>("evaluations", ev.evaluations));
  ev.population = static_cast<int>(t.get<std::int64_t>("population", ev.population));
  ev.sample_size = static_cast<int>(t.get<std::int64_t>("sample_size", ev.sample_size));
  ev.seed = static_cast<std::uint64_t>(t.get<std::int64_t>("seed", 0));
  if (t.recording() || !present) return n;
  if (n.algorithms.empty()) t.fail("algorithms", "needs at least one of grid, evolution");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < n.algorithms.size(); ++i) {
    if (n.algorithms[i] != "grid" && n.algorithms[i] != "evolution")
      t.fail(fmt::format("algorithms[{}]", i), fmt::format("'{}' is not one of grid, evolution", n.algorithms[i]));
    if (!seen.insert(n.algorithms[i]).second) t.fail(fmt::format("algorithms[{}]", i), "names an algorithm twice");
  }
  if (n.sources.empty()) t.fail("sources", "needs at least one source (\"original\" or a condensation method)");
  seen.clear();
  for (std::size_t i = 0; i < n.sources.size(); ++i) {
    const auto& s = n.sources[i];
    if (s != "original" && std::find(methods.begin(), methods.end(), s) == methods.end())
      t.fail(fmt::format("sources[{}]", i),
             fmt::format("'{}' is neither \"original\" nor one of the experiment's condense.methods ({})", s,
                         fmt::join(methods, ", ")));
    if (!seen.insert(s).second) t.fail(fmt::format("sources[{}]", i), "names a source twice");
  }
  if (n.budget < 0 || n.budget > 1) t.fail("budget", "must be in (0, 1] (c_train / n), or 0 for the first condense.budgets");
  if (n.condense_seed < -1) t.fail("condense_seed", "must be >= 0, or -1 for the first condense.seeds");
  if (ev.population < 2) t.fail("population", "must be >= 2");
  if (ev.sample_size < 1 || ev.sample_size > ev.population) t.fail("sample_size", "must be in [1, population]");
  if (ev.evaluations < ev.population) t.fail("evaluations", "must be >= population (the first population is scored too)");
  t.finish();
  return n;
}

}  // namespace hcdc::run
