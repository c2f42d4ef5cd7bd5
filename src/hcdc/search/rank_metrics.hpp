#pragma once
// Ranking agreement between a proxy's scores and the ground truth.
#include <vector>

namespace hcdc::search {

std::vector<double> average_ranks(const std::vector<double>& x);  // 1-based, ties share their mean rank
double spearman_rho(const std::vector<double>& x, const std::vector<double>& y);  // Pearson of average ranks
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);
// Ground-truth regret of the proxy's pick: max(truth) − truth[argmax(proxy)] (first on ties).
double top1_regret(const std::vector<double>& proxy, const std::vector<double>& truth);
std::size_t argmax(const std::vector<double>& x);

// The indices of the k largest entries of x, largest first; ties keep the lower index first.
std::vector<std::size_t> top_k(const std::vector<double>& x, std::size_t k);
// ρ over the better half by ground truth (the ⌈n/2⌉ best truths, ties by index): how well a proxy
// orders the candidates a user chooses between, not how well it spots the catastrophic ones.
// Needs n >= 4 (two candidates in the half).
double rho_top(const std::vector<double>& proxy, const std::vector<double>& truth);
// |top-k by proxy ∩ top-k by truth| / k (k = min(k, n)).
double top_k_overlap(const std::vector<double>& proxy, const std::vector<double>& truth, std::size_t k);

}  // namespace hcdc::search
