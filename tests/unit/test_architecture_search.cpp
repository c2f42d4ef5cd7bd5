// Architecture search (search/architecture_search.hpp) on problems whose answer is known, and the
// cell space's sampling and mutation (the moves regularised evolution makes through it).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "hcdc/core/error.hpp"
#include "hcdc/search/architecture_search.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc {
namespace {

using search::Candidate;

// OneMax over bit strings: a candidate's λ is its bits, its score their sum (optimum: all ones).
Candidate bits(std::vector<double> b) {
  Candidate c;
  c.lambda = std::move(b);
  c.name.clear();
  for (double x : c.lambda) c.name += x > 0.5 ? '1' : '0';
  return c;
}
Candidate random_bits(std::mt19937_64& rng) {
  std::vector<double> b(10);
  for (auto& x : b) x = static_cast<double>(rng() % 2);
  return bits(b);
}
Candidate flip_one(const Candidate& c, std::mt19937_64& rng) {
  auto b = c.lambda;
  auto& x = b[rng() % b.size()];
  x = 1 - x;
  return bits(b);
}
double ones(const Candidate& c) { return std::accumulate(c.lambda.begin(), c.lambda.end(), 0.0); }

TEST(ArchitectureSearch, EvolutionFindsOneMaxOptimumWithinItsBudgetAndRepeatsAreNotRetrained) {
  search::EvolutionOptions o;
  o.evaluations = 300;
  o.population = 20;
  o.sample_size = 5;
  o.seed = 1;
  int calls = 0;
  auto out = search::regularized_evolution(o, random_bits, flip_one, [&](const Candidate& c) {
    ++calls;
    return ones(c);
  });
  ASSERT_EQ(out.history.size(), 300u);
  EXPECT_EQ(out.history[out.best].score, 10.0);
  EXPECT_EQ(out.history[out.best].candidate.name, "1111111111");
  // The best index is the first maximum of the scores.
  std::size_t first_max = 0;
  for (std::size_t i = 0; i < out.history.size(); ++i)
    if (out.history[i].score > out.history[first_max].score) first_max = i;
  EXPECT_EQ(out.best, first_max);
  // A repeat is an architecture seen before, scored by look-up: the scorer ran once per distinct name.
  std::set<std::string> seen;
  int repeats = 0;
  for (const auto& e : out.history) {
    EXPECT_EQ(e.repeat, !seen.insert(e.candidate.name).second) << e.candidate.name;
    EXPECT_EQ(e.score, ones(e.candidate));
    if (e.repeat) {
      ++repeats;
      EXPECT_EQ(e.seconds, 0.0);
    }
  }
  EXPECT_EQ(calls, static_cast<int>(seen.size()));
  EXPECT_GT(repeats, 0);  // 300 draws from a neighbourhood-walk of 1024 strings revisit some
}

TEST(ArchitectureSearch, EvolutionIsSeededAndAgesOutTheOldest) {
  search::EvolutionOptions o;
  o.evaluations = 40;
  o.population = 5;
  o.sample_size = 5;
  // The first candidate scores far above every other, but it is the oldest: the first cycle's
  // child replaces it, so from the second cycle on it can never be a parent again (a
  // non-aging evolution would keep it, the best, forever).
  std::vector<std::string> parents;
  int sampled = 0;
  auto sample = [&](std::mt19937_64& rng) {
    Candidate c = random_bits(rng);
    c.name = "first" + std::to_string(sampled++);
    return c;
  };
  auto mutate = [&](const Candidate& p, std::mt19937_64& rng) {
    parents.push_back(p.name);
    Candidate c = flip_one(p, rng);
    c.name = "child" + std::to_string(parents.size());
    return c;
  };
  auto score = [](const Candidate& c) { return c.name == "first0" ? 100.0 : -static_cast<double>(c.name.size()); };
  auto a = search::regularized_evolution(o, sample, mutate, score);
  ASSERT_EQ(parents.size(), 35u);
  for (std::size_t k = 1; k < parents.size(); ++k)
    EXPECT_NE(parents[k], "first0") << "cycle " << k << ": the oldest member should have aged out";
  EXPECT_EQ(a.history[a.best].candidate.name, "first0");
  // Same seed, same walk.
  auto b = search::regularized_evolution(o, random_bits, flip_one, ones);
  auto c = search::regularized_evolution(o, random_bits, flip_one, ones);
  for (std::size_t i = 0; i < b.history.size(); ++i) EXPECT_EQ(b.history[i].candidate.name, c.history[i].candidate.name);
  o.seed = 9;
  auto d = search::regularized_evolution(o, random_bits, flip_one, ones);
  bool differs = false;
  for (std::size_t i = 0; i < b.history.size(); ++i) differs = differs || b.history[i].candidate.name != d.history[i].candidate.name;
  EXPECT_TRUE(differs);
}

TEST(ArchitectureSearch, GridSearchScoresEveryCandidateOnceAndPicksTheFirstBest) {
  std::vector<Candidate> cands{bits({0, 1}), bits({1, 1}), bits({1, 0}), bits({1, 1})};
  cands[3].name = "11-again";
  auto out = search::grid_search(cands, ones);
  ASSERT_EQ(out.history.size(), 4u);
  EXPECT_EQ(out.best, 1u);
  for (const auto& e : out.history) EXPECT_FALSE(e.repeat);
  EXPECT_THROW(search::grid_search({}, ones), std::invalid_argument);
  search::EvolutionOptions bad;
  bad.population = 10;
  bad.evaluations = 5;
  EXPECT_THROW(search::regularized_evolution(bad, random_bits, flip_one, ones), std::invalid_argument);
}

search::SearchSpaceSpec cells() {
  search::SearchSpaceSpec s;
  s.kind = "cell";
  s.family = "image-cell";
  s.num_candidates = 8;
  s.widths = {4, 6};
  return s;
}

// The architecture a cell candidate encodes: its op index per edge (one-hot λ), then its width.
std::vector<std::size_t> coords(const Candidate& c) {
  const std::size_t ops = c.convs.size();
  std::vector<std::size_t> out;
  for (std::size_t e = 0; e < c.lambda.size() / ops; ++e) {
    double sum = 0;
    std::size_t hot = 0;
    for (std::size_t o = 0; o < ops; ++o) {
      sum += c.lambda[e * ops + o];
      if (c.lambda[e * ops + o] == 1.0) hot = o;
    }
    EXPECT_EQ(sum, 1.0) << c.name;
    out.push_back(hot);
  }
  out.push_back(static_cast<std::size_t>(c.hidden));
  return out;
}

TEST(ArchitectureSearch, CellMutationChangesExactlyOneEdgeOrTheWidthAndStaysConnected) {
  auto s = cells();
  ASSERT_TRUE(search::can_walk(s));
  std::mt19937_64 rng(5);
  std::set<std::size_t> changed_coords;
  for (int trial = 0; trial < 200; ++trial) {
    Candidate parent = trial % 2 == 0 ? search::make_candidates(s)[static_cast<std::size_t>(trial / 2 % 8)]
                                      : search::sample_candidate(s, rng);
    EXPECT_EQ(parent.family, "image-cell");
    Candidate child = search::mutate_candidate(s, parent, rng);
    EXPECT_EQ(child.family, "image-cell");
    EXPECT_EQ(child.in_channels, 1);
    EXPECT_EQ(child.name.rfind("w", 0), 0u) << child.name;  // no generated-candidate index
    auto a = coords(parent), b = coords(child);
    ASSERT_EQ(a.size(), b.size());
    std::size_t diffs = 0;
    for (std::size_t k = 0; k < a.size(); ++k)
      if (a[k] != b[k]) {
        ++diffs;
        changed_coords.insert(k);
      }
    EXPECT_EQ(diffs, 1u) << parent.name << " -> " << child.name;
    // Connected: the cell's output (state 3) is reached through non-zero edges. Edges in order
    // (0→1), (0→2), (1→2), (0→3), (1→3), (2→3); op 0 is "zero".
    std::vector<bool> reach{true, false, false, false};
    std::size_t e = 0;
    for (int j = 1; j < 4; ++j)
      for (int i = 0; i < j; ++i, ++e)
        if (reach[static_cast<std::size_t>(i)] && b[e] != 0) reach[static_cast<std::size_t>(j)] = true;
    EXPECT_TRUE(reach[3]) << child.name;
  }
  EXPECT_EQ(changed_coords.size(), 7u);  // every edge and the width get mutated
  auto continuous = search::SearchSpaceSpec{};
  EXPECT_FALSE(search::can_walk(continuous));
  EXPECT_THROW(search::sample_candidate(continuous, rng), SettingError);
}

}  // namespace
}  // namespace hcdc
