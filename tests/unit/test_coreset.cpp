// Coresets against brute-force definitions; per-class budgets.
#include <gtest/gtest.h>

#include <limits>
#include <numeric>
#include <set>

#include "hcdc/condense/class_budget.hpp"
#include "hcdc/condense/coreset.hpp"
#include "hcdc/config/in_section.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

double dist2(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).pow(2).sum().item<double>(); }

TEST(Coreset, KCenterGreedyMatchesItsDefinition) {
  torch::manual_seed(3);
  auto x = torch::randn({40, 3}, torch::kDouble);
  auto chosen = condense::kcenter_greedy(x, 8);
  ASSERT_EQ(chosen.size(), 8u);
  // First: the point nearest the mean.
  auto mean = x.mean(0);
  std::int64_t first = 0;
  for (std::int64_t i = 1; i < 40; ++i)
    if (dist2(x[i], mean) < dist2(x[first], mean)) first = i;
  EXPECT_EQ(chosen[0], first);
  // Then: each pick maximises the distance to its nearest already-chosen centre.
  for (std::size_t s = 1; s < chosen.size(); ++s) {
    double best = -1;
    std::int64_t arg = -1;
    for (std::int64_t i = 0; i < 40; ++i) {
      double near = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < s; ++j) near = std::min(near, dist2(x[i], x[chosen[j]]));
      if (near > best) {
        best = near;
        arg = i;
      }
    }
    EXPECT_EQ(chosen[s], arg) << "step " << s;
  }
}

TEST(Coreset, HerdingMatchesItsDefinition) {
  torch::manual_seed(4);
  auto x = torch::randn({30, 4}, torch::kDouble);
  auto chosen = condense::herding(x, 10);
  auto mu = x.mean(0);
  auto sum = torch::zeros({4}, torch::kDouble);
  std::vector<bool> used(30, false);
  for (std::size_t s = 0; s < chosen.size(); ++s) {
    double best = std::numeric_limits<double>::infinity();
    std::int64_t arg = -1;
    for (std::int64_t i = 0; i < 30; ++i) {
      if (used[static_cast<size_t>(i)]) continue;
      double d = dist2((static_cast<double>(s) + 1) * mu - sum, x[i]);
      if (d < best) {
        best = d;
        arg = i;
      }
    }
    EXPECT_EQ(chosen[s], arg) << "step " << s;
    used[static_cast<size_t>(arg)] = true;
    sum += x[arg];
  }
}

TEST(Coreset, PerClassSelectionRespectsCountsAndClasses) {
  torch::manual_seed(5);
  std::vector<std::int64_t> labels;
  for (int i = 0; i < 60; ++i) labels.push_back(i % 3);
  auto emb = torch::randn({60, 2}, torch::kDouble);
  for (auto kind : {condense::CoresetKind::kRandom, condense::CoresetKind::kKCenter, condense::CoresetKind::kHerding}) {
    auto picked = condense::select_coreset(kind, emb, labels, {2, 5, 3}, 1);
    ASSERT_EQ(picked.size(), 10u);
    std::vector<int> per(3, 0);
    std::set<std::int64_t> distinct(picked.begin(), picked.end());
    for (auto p : picked) ++per[static_cast<size_t>(labels[static_cast<size_t>(p)])];
    EXPECT_EQ(per, (std::vector<int>{2, 5, 3}));
    EXPECT_EQ(distinct.size(), 10u);
  }
}

TEST(ClassBudget, ProportionalAtLeastOneAndExact) {
  std::vector<std::int64_t> labels;
  for (int i = 0; i < 70; ++i) labels.push_back(0);
  for (int i = 0; i < 20; ++i) labels.push_back(1);
  for (int i = 0; i < 10; ++i) labels.push_back(2);
  auto c = condense::allocate_per_class(labels, 3, 10, true, "b");
  EXPECT_EQ(c, (std::vector<std::int64_t>{6, 2, 2}));  // 1 each + 7 shared as 4.9 / 1.4 / 0.7
  EXPECT_EQ(std::accumulate(c.begin(), c.end(), std::int64_t{0}), 10);
}

// The library names its setting; the config layer (config::in_section) names the job key.
TEST(ClassBudget, BadBudgetsAreNamed) {
  std::vector<std::int64_t> labels{0, 0, 0, 1, 1, 1};
  expect_input_error([&] { config::in_section("job.toml", "condense", [&] { condense::allocate_per_class(labels, 2, 1, true, "budgets"); }); },
                     "condense.budgets", "smaller than the number of classes");
  expect_input_error([&] { config::in_section("job.toml", "condense", [&] { condense::allocate_per_class(labels, 2, 8, true, "budgets"); }); },
                     "condense.budgets", "which has only 3");
  expect_input_error([&] { config::in_section("job.toml", "condense", [&] { condense::allocate_per_class(labels, 3, 4, true, "budgets"); }); },
                     "condense.budgets", "class 2 has no samples");
}

}  // namespace
}  // namespace hcdc::test
