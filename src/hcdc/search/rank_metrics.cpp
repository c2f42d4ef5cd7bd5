#include "hcdc/search/rank_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>

namespace hcdc::search {

std::vector<double> average_ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    double mean = (static_cast<double>(i + j) / 2.0) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = mean;
    i = j + 1;
  }
  return r;
}

namespace {
double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(a.size());
  double mb = std::accumulate(b.begin(), b.end(), 0.0) / static_cast<double>(b.size());
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return (saa > 0 && sbb > 0) ? sab / std::sqrt(saa * sbb) : std::nan("");
}
void check(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) throw std::invalid_argument("rank metrics need two equal-length vectors (n >= 2)");
}
}  // namespace

double spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  check(x, y);
  return pearson(average_ranks(x), average_ranks(y));
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  check(x, y);
  // O(n²): search spaces hold hundreds of candidates, not millions.
  double concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0 && dy == 0) continue;
      if (dx == 0) ++ties_x;
      else if (dy == 0) ++ties_y;
      else if ((dx > 0) == (dy > 0)) ++concordant;
      else ++discordant;
    }
  double denom = std::sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y));
  return denom > 0 ? (concordant - discordant) / denom : std::nan("");
}

std::size_t argmax(const std::vector<double>& x) {
  return static_cast<std::size_t>(std::max_element(x.begin(), x.end()) - x.begin());
}

std::vector<std::size_t> top_k(const std::vector<double>& x, std::size_t k) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] > x[b]; });
  order.resize(std::min(k, order.size()));
  return order;
}

double rho_top(const std::vector<double>& proxy, const std::vector<double>& truth) {
  check(proxy, truth);
  if (truth.size() < 4) throw std::invalid_argument("rho_top needs n >= 4 (two candidates in the better half)");
  std::vector<double> p, t;
  for (std::size_t i : top_k(truth, (truth.size() + 1) / 2)) {
    p.push_back(proxy[i]);
    t.push_back(truth[i]);
  }
  return spearman_rho(p, t);
}

double top_k_overlap(const std::vector<double>& proxy, const std::vector<double>& truth, std::size_t k) {
  check(proxy, truth);
  auto a = top_k(proxy, k), b = top_k(truth, k);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::size_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return static_cast<double>(both.size()) / static_cast<double>(a.size());
}

double top1_regret(const std::vector<double>& proxy, const std::vector<double>& truth) {
  check(proxy, truth);
  return *std::max_element(truth.begin(), truth.end()) - truth[argmax(proxy)];
}

}  // namespace hcdc::search
