#pragma once
// The paper's continuous relaxation of a named GNN space (its Appendix J): every layer mixes the
// space's convolutions (models/message_passing.hpp),
//   H' = Σ_j α_j act_j(conv_j(H)),   act_j = ReLU (identity after SGC and on the last layer),
// with mixing weights α shared by the layers. λ = α is the continuous hyperparameter: a named
// candidate is a one-hot α (only its convolution is computed), HCDC's trajectories move α off the
// corners and hypergradients reach it through the mixture. Width and depth are discrete: one
// supernet per (width, depth). A training forward may drop hidden activations (ModelInput::dropout),
// after each hidden layer's mixture, as GCond's evaluation GCN does after its hidden ReLU.
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/models/message_passing.hpp"
#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

struct ConvSupernetConfig {
  std::vector<Conv> convs;  // the mixed convolutions, in α's order
  int layers = 2;
  std::int64_t hidden = 128;
  std::int64_t gat_heads = 8;  // on hidden layers; the output layer has one head (PyG's usual GAT)
  bool smooth = false;         // tanh instead of ReLU everywhere (twice differentiable, for IFT checks)
};

class ConvSupernet : public ModelFamily {
 public:
  ConvSupernet(std::int64_t in_features, std::int64_t num_classes, ConvSupernetConfig cfg);
  std::string name() const override { return "conv-supernet"; }
  std::int64_t num_theta() const override { return layout_.size(); }
  std::int64_t num_lambda() const override { return static_cast<std::int64_t>(cfg_.convs.size()); }
  torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const override;
  // The uniform mixture 1/|convs|.
  torch::Tensor default_lambda(torch::Dtype dtype) const override;
  torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const override;
  const ConvSupernetConfig& config() const { return cfg_; }

 private:
  std::int64_t in_, classes_;
  ConvSupernetConfig cfg_;
  ParameterLayout layout_;
  std::vector<std::vector<ConvLayer>> layers_;  // [layer][conv]
};

}  // namespace hcdc::models
