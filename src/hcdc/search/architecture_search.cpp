#include "hcdc/search/architecture_search.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <stdexcept>

namespace hcdc::search {
namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Scores a candidate once per name; a later request of the same name is a repeat.
class MemoScorer {
 public:
  explicit MemoScorer(const Scorer& score) : score_(score) {}
  Evaluation operator()(const Candidate& c) {
    if (auto it = seen_.find(c.name); it != seen_.end()) return {c, it->second, 0.0, true};
    auto t0 = std::chrono::steady_clock::now();
    const double s = score_(c);
    seen_[c.name] = s;
    return {c, s, since(t0), false};
  }

 private:
  const Scorer& score_;
  std::map<std::string, double> seen_;
};

void add(SearchOutcome& out, Evaluation e) {
  out.history.push_back(std::move(e));
  if (out.history.back().score > out.history[out.best].score) out.best = out.history.size() - 1;
}

}  // namespace

SearchOutcome grid_search(const std::vector<Candidate>& cands, const Scorer& score) {
  if (cands.empty()) throw std::invalid_argument("grid_search: no candidates");
  auto t0 = std::chrono::steady_clock::now();
  SearchOutcome out;
  MemoScorer memo(score);
  for (const auto& c : cands) add(out, memo(c));
  out.seconds = since(t0);
  return out;
}

SearchOutcome regularized_evolution(const EvolutionOptions& o,
                                    const std::function<Candidate(std::mt19937_64&)>& sample,
                                    const std::function<Candidate(const Candidate&, std::mt19937_64&)>& mutate,
                                    const Scorer& score) {
  if (o.population < 2 || o.sample_size < 1 || o.sample_size > o.population || o.evaluations < o.population)
    throw std::invalid_argument("regularized_evolution: needs 2 <= population <= evaluations, 1 <= sample_size <= population");
  auto t0 = std::chrono::steady_clock::now();
  std::mt19937_64 rng(o.seed);
  SearchOutcome out;
  MemoScorer memo(score);
  std::deque<std::size_t> population;  // indices into out.history, oldest first
  while (static_cast<int>(population.size()) < o.population) {
    add(out, memo(sample(rng)));
    population.push_back(out.history.size() - 1);
  }
  std::uniform_int_distribution<std::size_t> member(0, population.size() - 1);
  while (static_cast<int>(out.history.size()) < o.evaluations) {
    std::size_t parent = population[member(rng)];
    for (int k = 1; k < o.sample_size; ++k) {
      const std::size_t other = population[member(rng)];
      if (out.history[other].score > out.history[parent].score) parent = other;
    }
    add(out, memo(mutate(out.history[parent].candidate, rng)));
    population.push_back(out.history.size() - 1);
    population.pop_front();
  }
  out.seconds = since(t0);
  return out;
}

}  // namespace hcdc::search
