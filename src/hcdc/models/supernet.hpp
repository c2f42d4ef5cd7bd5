#pragma once
// A small DARTS/NAS-Bench-201-style image supernet. A stem convolution feeds one cell of
// `nodes` states; every edge i → j (i < j) is a mixed operation
//   MixedOp(x) = Σ_o w_o · op_o(x),   w = softmax(α_edge)  (or w = α_edge with weighting "linear")
// over the candidate operations (weighting "gdas": w is the one-hot of argmax(α_edge + g) for
// Gumbel noise g, with the straight-through gradient of softmax((α_edge + g)/τ), GDAS's sampler);
// node j sums its incoming edges; global average pooling and a
// linear head give the logits. The architecture weights α are the hyperparameters λ.
// With linear weighting a one-hot α is exactly the stand-alone discrete network; when λ needs no
// gradient, operations of weight exactly 0 are not computed (they add 0), so a one-hot candidate
// costs what the discrete network costs.
#include <array>
#include <string>
#include <vector>

#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

enum class CellOp { kConv1x1, kConv3x3, kConv5x5, kSepConv3x3, kMaxPool3x3, kAvgPool3x3, kIdentity, kZero };
CellOp parse_cell_op(const std::string& name, const std::string& file, const std::string& field);
const char* cell_op_name(CellOp op);
std::vector<CellOp> all_cell_ops();

struct SupernetConfig {
  std::int64_t in_channels = 1, channels = 8;
  int nodes = 4;                       // states 0..nodes-1; edges i → j for all i < j
  std::vector<CellOp> ops = all_cell_ops();
  std::string weighting = "softmax";   // softmax | gumbel | gdas | linear
  double gumbel_temperature = 1.0;     // τ of gumbel and gdas
  bool smooth = false;                 // tanh instead of ReLU in front of convolutions
  // The head reads the cell output average-pooled to head_grid × head_grid (1: global average
  // pooling). A grid keeps where in the image a feature is, which a one-cell network without
  // downsampling otherwise loses entirely.
  int head_grid = 1;
};

class Supernet : public ModelFamily {
 public:
  Supernet(std::int64_t num_classes, SupernetConfig cfg);
  std::string name() const override { return "supernet"; }
  std::int64_t num_theta() const override { return layout_.size(); }
  std::int64_t num_lambda() const override { return num_edges() * static_cast<std::int64_t>(cfg_.ops.size()); }
  torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const override;
  torch::Tensor default_lambda(torch::Dtype dtype) const override;  // uniform mixture
  torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const override;
  // The cell's output state, average-pooled as the linear head reads it (head_grid).
  torch::Tensor embed(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const override;

  std::int64_t num_edges() const { return cfg_.nodes * (cfg_.nodes - 1) / 2; }
  // Gumbel-softmax noise is drawn once per seed and then held fixed, so L_train stays a
  // deterministic function of (θ, λ) between resamples — required for Hessian products.
  void resample_gumbel(std::uint64_t seed);
  void resample_noise(std::uint64_t seed) override;  // resample_gumbel for gumbel and gdas
  const torch::Tensor& gumbel_noise() const { return gumbel_noise_; }  // edges·ops, float64 (tests)
  bool sample_architecture(double temperature) override;
  // The stand-alone network of one op per edge (no mixing), for testing one-hot α.
  torch::Tensor discrete_logits(const torch::Tensor& theta, const std::vector<CellOp>& chosen,
                                const ModelInput& in) const;
  const SupernetConfig& config() const { return cfg_; }

 private:
  torch::Tensor pooled(const torch::Tensor& state) const;  // what the head reads (head_grid)
  torch::Tensor cell_output(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const;
  torch::Tensor apply_op(CellOp op, const torch::Tensor& theta, std::int64_t edge, const torch::Tensor& x) const;
  torch::Tensor edge_weights(const torch::Tensor& lambda) const;  // edges × ops
  torch::Tensor head(const torch::Tensor& theta, const torch::Tensor& state) const;
  torch::Tensor stem(const torch::Tensor& theta, const torch::Tensor& x) const;
  std::int64_t classes_;
  SupernetConfig cfg_;
  ParameterLayout layout_;
  std::int64_t stem_w_, stem_b_, head_w_, head_b_;
  // Per edge: conv3, conv5, sep-depthwise, sep-pointwise, conv1 block ids (−1 when the op is absent).
  std::vector<std::array<std::int64_t, 5>> edge_blocks_;
  torch::Tensor gumbel_noise_;
};

}  // namespace hcdc::models
