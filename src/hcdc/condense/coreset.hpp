#pragma once
// Coreset selection per class (indices into the pool): random, k-center greedy, herding.
// k-center and herding work on embeddings (rows of `emb`) of a model trained on the whole data.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hcdc::condense {

enum class CoresetKind { kRandom, kKCenter, kHerding };

// pool_labels[i] is the class of pool item i; per_class[c] items of class c are chosen.
std::vector<std::int64_t> select_coreset(CoresetKind kind, const torch::Tensor& emb,
                                         const std::vector<std::int64_t>& pool_labels,
                                         const std::vector<std::int64_t>& per_class, std::uint64_t seed);

// The single-class rules, exposed for testing against brute-force definitions.
// k-center greedy: start at the point nearest the mean, then repeatedly add the point farthest
// from its nearest chosen centre.
std::vector<std::int64_t> kcenter_greedy(const torch::Tensor& points, std::int64_t k);
// Herding: at step i pick argmin_x ‖(i+1)·μ − Σ_chosen − x‖ over unchosen x.
std::vector<std::int64_t> herding(const torch::Tensor& points, std::int64_t k);

}  // namespace hcdc::condense
