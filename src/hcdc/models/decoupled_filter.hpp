#pragma once
// The decoupled graph filter family (SGC/SIGN style): propagation happens once, before training,
// so every node — original or synthetic — carries the feature blocks [B_0 X, B_1 X, …, B_K X]
// (n × (K+1) × F). A candidate mixes the blocks with its filter coefficients λ and feeds an MLP:
//   logits = MLP( Σ_k λ_k X_k ),   MLP = (Linear → ReLU)^(layers−1) → Linear
// This is the search family of the condensation work: a condensed node needs no adjacency for
// the filter coefficients to stay visible (with an identity adjacency every B_k X would equal X),
// and original graphs of any size are propagated once.
#include <vector>

#include "hcdc/models/graph_filter_gnn.hpp"
#include "hcdc/models/graph_operators.hpp"
#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

// The one operator the basis's blocks are built from: Â (kGcn) for the monomial basis, the
// normalised adjacency (kSymAdj, L̃ = −it) for the Chebyshev one; refuses another basis.
GraphOp propagation_operator(FilterBasis basis);

// [B_0 X, …, B_K X] for the monomial (Â^k) or Chebyshev (T_k(L̃)) basis: n × (K+1) × F.
torch::Tensor propagate_blocks(const GraphOperators& g, const torch::Tensor& x, FilterBasis basis, int order);

// The same blocks for the given rows only, one |rows[i]| × (K+1) × F tensor per list (e.g. the
// train, validation and test nodes). The walk covers the whole graph hop by hop, holding only the
// hops the basis's recurrence needs (one back for monomial, two for Chebyshev), and computes the
// last hop at the kept rows only, so the peak is ≈ 2 n × F plus the rows kept; stacking every hop
// of every node would take 2(K+1) n × F. What bounds memory on a graph whose labelled nodes are a
// fraction of it. Bitwise equal to the rows of the whole graph's blocks.
std::vector<torch::Tensor> propagate_rows(const GraphOperators& g, const torch::Tensor& x, FilterBasis basis, int order,
                                          const std::vector<torch::Tensor>& rows);

// Σ_k λ_k X_k for blocks x (n × K × F) and coefficients λ (K), or for B candidates at once with λ
// B × K (then B × n × F). Block by block, one multiply and one add per element: LibTorch 1.13's
// einsum permutes the blocks into a copy first, 3–4× slower at Cora's sizes (forward and backward).
// A candidate's mix is the same arithmetic whatever the batch, so batched training of one
// candidate rounds as the single model does.
torch::Tensor mix_blocks(const torch::Tensor& x, const torch::Tensor& lambda);

struct DecoupledConfig {
  std::int64_t blocks = 3;    // K + 1
  std::int64_t features = 0;  // F
  std::int64_t hidden = 64;
  int layers = 2;             // MLP layers (1: linear, as SGC)
  bool smooth = false;        // tanh instead of ReLU
};

class DecoupledFilter : public ModelFamily {
 public:
  DecoupledFilter(std::int64_t num_classes, DecoupledConfig cfg);
  std::string name() const override { return "decoupled-filter"; }
  std::int64_t num_theta() const override { return layout_.size(); }
  std::int64_t num_lambda() const override { return cfg_.blocks; }
  torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const override;
  torch::Tensor default_lambda(torch::Dtype dtype) const override;  // (1/(K+1), …)
  torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const override;
  // The last hidden layer's activations (embeddings for coresets); layers ≥ 2.
  torch::Tensor embed(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const override;
  bool batchable() const override { return true; }
  // B candidates of this shape at once: the mix Σ_k λ_bk X_k is the prepared input (B × n × F),
  // then batched products with the blocks [W_0, b_0, W_1, b_1, …].
  torch::Tensor batched_prepare(const torch::Tensor& lambda, const ModelInput& in) const override;
  std::vector<torch::Tensor> batched_blocks(const torch::Tensor& thetas) const override {
    return layout_.split_batched(thetas);
  }
  torch::Tensor batched_logits(const std::vector<torch::Tensor>& blocks, const torch::Tensor& prepared) const override;
  const DecoupledConfig& config() const { return cfg_; }

 private:
  torch::Tensor mix(const torch::Tensor& lambda, const torch::Tensor& x) const;
  void check_blocks(const torch::Tensor& x) const;
  std::int64_t classes_;
  DecoupledConfig cfg_;
  ParameterLayout layout_;
  std::vector<std::int64_t> w_, b_;
};

}  // namespace hcdc::models
