#pragma once
// Adam with L2 weight decay — torch::optim::Adam's update, the same formula — in one pass over
// each parameter. LibTorch 1.13's C++ Adam takes about ten passes per step (the decayed gradient,
// both moments, the square root, its scaling, ε, the division, the update) and allocates three
// temporaries; on the batched proxy search's B × 46k stacked weights that was ≈ 45 % of operator
// time (docs/results/profile.md). Here one loop reads g, θ, m, v once and writes θ, m, v.
//
// Rounding: the same operations in the same order as LibTorch's, but LibTorch's vector kernels
// may fuse a multiply and an add (FMA) where this loop does not, so a step agrees with
// torch::optim::Adam to a few units in the last place, not bitwise (tests/unit/test_fused_adam.cpp).
// Each element's update depends on that element alone: the result is the same at any thread count.
#include <torch/torch.h>

#include <vector>

namespace hcdc::hypergrad {

struct FusedAdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;  // torch::optim::AdamOptions' defaults
  double eps = 1e-8;
  double weight_decay = 0;            // L2: g + weight_decay·θ, as AdamOptions::weight_decay
};

// One step of a LibTorch Adam (its options, its own state entries, created as its step() would),
// through the loop above: the optimiser's serialisation (torch::save / torch::load, and so a
// checkpoint holding it) is unchanged. Throws std::invalid_argument for AMSGrad or a parameter
// that is not a contiguous float32/float64 CPU tensor.
void fused_step(torch::optim::Adam& opt);

class FusedAdam {
 public:
  // Parameters: contiguous float32 or float64 CPU tensors that require a gradient.
  FusedAdam(std::vector<torch::Tensor> params, FusedAdamOptions o);
  void zero_grad();
  // One update from the parameters' .grad() (a parameter without one is left as it is).
  void step();
  int steps() const { return steps_; }

 private:
  std::vector<torch::Tensor> params_, m_, v_;
  FusedAdamOptions o_;
  int steps_ = 0;
};

}  // namespace hcdc::hypergrad
