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

}  // namespace hcdc::search
