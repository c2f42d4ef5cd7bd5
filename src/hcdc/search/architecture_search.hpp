#pragma once
// Search algorithms over a space's candidates, each given a scorer that trains a candidate on some
// data (the original, or a condensed proxy) and returns how good it looks there (higher is
// better): grid search over the generated candidates, and regularised ("aging") evolution over
// the whole space (Real et al. 2019), the sample-based NAS algorithm of `hcdc nas`.
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "hcdc/search/search_space.hpp"

namespace hcdc::search {

using Scorer = std::function<double(const Candidate&)>;

struct Evaluation {
  Candidate candidate;
  double score = 0;
  double seconds = 0;   // the scorer's wall time (0 for a repeat)
  bool repeat = false;  // an architecture evaluated before: its score looked up, not retrained
};

struct SearchOutcome {
  std::vector<Evaluation> history;  // in evaluation order
  std::size_t best = 0;             // index into history of the best score (the first on ties)
  double seconds = 0;               // the whole search's wall time
};

// Every candidate once, in order.
SearchOutcome grid_search(const std::vector<Candidate>& cands, const Scorer& score);

struct EvolutionOptions {
  int evaluations = 50;  // candidates scored in all (the population's first ones included)
  int population = 10;   // P: the population, filled by random candidates
  int sample_size = 3;   // S: candidates drawn (with replacement) from the population per cycle
  std::uint64_t seed = 0;
};

// Regularised evolution: a population of P random candidates; each cycle draws S members, mutates
// the best of them into a child, scores it, adds it and removes the *oldest* member (aging keeps
// the search from resting on one lucky score). An architecture seen before (by name) is not
// retrained: its first score is reused, and it still counts as one of the evaluations.
// Deterministic for a seed and a deterministic scorer.
SearchOutcome regularized_evolution(const EvolutionOptions& o,
                                    const std::function<Candidate(std::mt19937_64&)>& sample,
                                    const std::function<Candidate(const Candidate&, std::mt19937_64&)>& mutate,
                                    const Scorer& score);

}  // namespace hcdc::search
