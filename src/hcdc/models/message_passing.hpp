#pragma once
// The convolutions of the paper's named space (its Appendix J), as message-passing layers with
// PyTorch Geometric's definitions (the de-facto reference):
//   gcn        Â H W + b, Â = D̃^-1/2 (A+I) D̃^-1/2
//   sage-mean  H W_r + (D^-1 A H) W_n + b                     (no self-loop)
//   sage-max   H W_r + (max_{j∈N(i)} H_j) W_n + b              (elementwise max; 0 without neighbours)
//   gat        ‖_h Σ_{j∈N(i)∪{i}} a^h_ij H_j W^h + b,  a^h_ij = softmax_j LeakyReLU_0.2(s^h·H_jW^h + t^h·H_iW^h)
//   gin-eps    MLP((1+ε) H_i + Σ_j H_j), ε trainable from 0;  MLP = Linear, ReLU, Linear
//   gin-0      the same with ε = 0 fixed
//   sgc-K      Â^K H W + b, no activation after it (SGC is linear)
//   chebnet-K  Σ_{k<K} T_k(L̃) H W_k + b, L̃ = 2L/λmax − I with λmax = 2, L = I − D^-1/2 A D^-1/2
// A layer's parameters live in a ParameterLayout, so a model stays a function of one flat θ.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/models/graph_operators.hpp"
#include "hcdc/models/model_family.hpp"

namespace hcdc::models {

enum class Conv { kGcn, kSageMean, kSageMax, kGat, kGinEps, kGin0, kSgc2, kSgc3, kCheb2, kCheb3 };

const std::vector<std::string>& conv_names();  // in enum order
// The convolution of that name; UnknownName listing the known ones otherwise.
Conv parse_conv(const std::string& name);
const std::string& conv_name(Conv c);
// Whether an activation follows the layer inside a network (not after SGC, a linear model).
bool conv_is_followed_by_activation(Conv c);
// How many times a layer of the convolution propagates over the graph (its receptive field in
// hops): SGC-K K, ChebNet-K K − 1, the others 1.
int conv_hops(Conv c);

// Elementwise max of h over each node's in-neighbours (edges of g), 0 where a node has none.
torch::Tensor neighbour_max(const GraphOperators& g, const torch::Tensor& h);
// Multi-head graph attention over g's edges plus a self-loop per node: z is n × heads × d
// (H W, split by head), s and t are heads × d (source and target attention vectors); returns
// n × heads × d, each node's attention-weighted sum of its neighbours' z.
torch::Tensor graph_attention(const GraphOperators& g, const torch::Tensor& z, const torch::Tensor& s,
                              const torch::Tensor& t);

// One layer of a convolution: its parameter blocks (added to a layout) and its forward.
class ConvLayer {
 public:
  // heads: GAT's head count (the output width must be a multiple of it; 1 for other convs).
  // smooth: tanh instead of ReLU inside GIN's MLP (twice differentiable, for IFT checks).
  ConvLayer(Conv conv, std::int64_t in, std::int64_t out, std::int64_t heads, bool smooth, ParameterLayout& layout);
  // The layer's output for input h, its parameters read from θ through the layout it was added to.
  torch::Tensor forward(const ParameterLayout& layout, const torch::Tensor& theta, const torch::Tensor& h,
                        const GraphOperators& g) const;
  Conv conv() const { return conv_; }

 private:
  Conv conv_;
  std::int64_t in_, out_, heads_;
  bool smooth_;
  std::vector<std::int64_t> blocks_;  // in the order each conv's forward reads them
};

}  // namespace hcdc::models
