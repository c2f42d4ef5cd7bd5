#pragma once
// The graph filter family: L layers of
//   X' = σ( Σ_{k=0..K} λ_k B_k(Â) X W_(k) + b )
// with B_k from a basis of the graph's operators. λ (the filter coefficients) are
// hyperparameters, shared by all layers or per layer; W is shared across k or one per k
// ("separate", as in ChebNet and SAGE). Width and depth are discrete choices.
#include <string>

#include "hcdc/models/graph_operators.hpp"
#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

enum class FilterBasis {
  kMonomial,   // B_k = Â^k, Â = D̃^-1/2 (A+I) D̃^-1/2
  kChebyshev,  // B_k = T_k(L̃), L̃ = 2L/λmax − I with λmax = 2
  kGin,        // B_0 = I, B_1 = A (K = 1)
  kSage,       // B_0 = I, B_1 = D^-1 A (K = 1)
};
FilterBasis parse_filter_basis(const std::string& name, const std::string& file, const std::string& field);

struct GraphFilterConfig {
  FilterBasis basis = FilterBasis::kMonomial;
  int order = 2;                 // K
  int layers = 2;
  std::int64_t hidden = 64;
  bool separate_weights = false;
  bool per_layer_lambda = false;
  bool nonlinear = true;         // an activation between layers (SGC stacks are linear)
  bool smooth = false;           // tanh instead of ReLU: twice differentiable everywhere, which the
                                 // implicit function theorem (and finite-difference checks) assume
};

class GraphFilterGnn : public ModelFamily {
 public:
  GraphFilterGnn(std::int64_t in_features, std::int64_t num_classes, GraphFilterConfig cfg, std::string name = "");
  std::string name() const override { return name_; }
  std::int64_t num_theta() const override { return layout_.size(); }
  std::int64_t num_lambda() const override;
  torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const override;
  torch::Tensor default_lambda(torch::Dtype dtype) const override;
  torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const override;
  const GraphFilterConfig& config() const { return cfg_; }
  // Its only use of the input is the first layer's product X·W (ModelInput::x_times).
  bool accepts_sparse_input() const override { return true; }

  // Σ_k coeff_k B_k z_k for one layer (z_k = z for shared weights).
  torch::Tensor filter(const GraphOperators& g, const torch::Tensor& coeff, const std::vector<torch::Tensor>& z) const;

 private:
  std::int64_t supports() const { return cfg_.order + 1; }
  std::int64_t in_, classes_;
  GraphFilterConfig cfg_;
  std::string name_;
  ParameterLayout layout_;
  std::vector<std::vector<std::int64_t>> weights_;  // per layer, per support (one if shared)
  std::vector<std::int64_t> biases_;
};

}  // namespace hcdc::models
