// Rank metrics on cases with known answers (scipy comparisons: tests/python/test_experiment.py).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "hcdc/search/rank_metrics.hpp"

namespace {

using namespace hcdc::search;

TEST(RankMetrics, AverageRanksShareTies) {
  EXPECT_EQ(average_ranks({10, 20, 20, 5}), (std::vector<double>{2, 3.5, 3.5, 1}));
}

TEST(RankMetrics, PerfectReversedAndTied) {
  std::vector<double> a{1, 2, 3, 4, 5}, r{5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(spearman_rho(a, a), 1.0);
  EXPECT_DOUBLE_EQ(spearman_rho(a, r), -1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b(a, a), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b(a, r), -1.0);
  // x = (1,2,2,3), y = (1,2,3,4): ranks (1, 2.5, 2.5, 4) vs (1,2,3,4): ρ = 4.5/sqrt(4.5·5)
  EXPECT_NEAR(spearman_rho({1, 2, 2, 3}, {1, 2, 3, 4}), 4.5 / std::sqrt(4.5 * 5.0), 1e-15);
  // τ_b: 5 concordant, 0 discordant, 1 pair tied in x only: 5 / sqrt(5 · 6)
  EXPECT_NEAR(kendall_tau_b({1, 2, 2, 3}, {1, 2, 3, 4}), 5.0 / std::sqrt(30.0), 1e-15);
}

TEST(RankMetrics, Regret) {
  EXPECT_DOUBLE_EQ(top1_regret({0.1, 0.9, 0.5}, {0.8, 0.6, 0.7}), 0.8 - 0.6);
  EXPECT_DOUBLE_EQ(top1_regret({0.1, 0.2, 0.9}, {0.1, 0.2, 0.9}), 0.0);
  EXPECT_THROW(spearman_rho({1}, {1}), std::invalid_argument);
}

TEST(RankMetrics, RhoTopIsRhoOverTheBetterHalfByTruth) {
  // truth's better half (⌈5/2⌉ = 3): indices 4, 0, 2 (0.9, 0.8, 0.7); the proxy orders them
  // 2 > 0 > 4, exactly backwards, while over all five it is mostly right.
  std::vector<double> truth{0.8, 0.1, 0.7, 0.2, 0.9}, proxy{5, 1, 6, 2, 4};
  EXPECT_DOUBLE_EQ(rho_top(proxy, truth), -1.0);
  EXPECT_GT(spearman_rho(proxy, truth), 0.5);
  EXPECT_THROW(rho_top({1, 2, 3}, {1, 2, 3}), std::invalid_argument);
}

TEST(RankMetrics, TopKOverlapCountsSharedPicks) {
  std::vector<double> truth{9, 8, 7, 6, 5, 4}, proxy{9, 1, 7, 6, 8, 4};
  EXPECT_EQ(top_k(truth, 3), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(top_k(proxy, 3), (std::vector<std::size_t>{0, 4, 2}));
  EXPECT_DOUBLE_EQ(top_k_overlap(proxy, truth, 3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(top_k_overlap(proxy, truth, 10), 1.0);  // k above n: every candidate
  EXPECT_EQ(top_k({1, 1, 1}, 2), (std::vector<std::size_t>{0, 1}));  // ties: lower index first
}

}  // namespace
