#include "hcdc/hypergrad/fused_adam.hpp"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/variable.h>

#include <cmath>
#include <stdexcept>

namespace hcdc::hypergrad {
namespace {

// Below this many elements a chunk is not worth a thread.
constexpr std::int64_t kGrainElements = 1 << 14;

template <class T>
void update(T* p, const T* g, T* m, T* v, std::int64_t n, const FusedAdamOptions& o, double bias1, double bias2) {
  const T b1 = static_cast<T>(o.beta1), b2 = static_cast<T>(o.beta2);
  const T one_b1 = static_cast<T>(1 - o.beta1), one_b2 = static_cast<T>(1 - o.beta2);
  const T wd = static_cast<T>(o.weight_decay), eps = static_cast<T>(o.eps);
  const T sqrt_bias2 = static_cast<T>(std::sqrt(bias2)), step = static_cast<T>(-(o.lr / bias1));
  at::parallel_for(0, n, kGrainElements, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const T gi = wd != 0 ? g[i] + wd * p[i] : g[i];
      // LibTorch's order: mul_ then add_(g, α) = a + α·g; addcmul_ = a + (α·g)·g; addcdiv_ = a + (α·m)/d.
      m[i] = m[i] * b1 + one_b1 * gi;
      v[i] = v[i] * b2 + one_b2 * gi * gi;
      const T denom = std::sqrt(v[i]) / sqrt_bias2 + eps;
      p[i] = p[i] + step * m[i] / denom;
    }
  });
}

}  // namespace

FusedAdam::FusedAdam(std::vector<torch::Tensor> params, FusedAdamOptions o) : params_(std::move(params)), o_(o) {
  for (const auto& p : params_) {
    if (!p.defined() || !p.device().is_cpu() || !p.is_contiguous() || !p.requires_grad() ||
        (p.scalar_type() != torch::kFloat && p.scalar_type() != torch::kDouble))
      throw std::invalid_argument("FusedAdam: parameters must be contiguous float32/float64 CPU tensors needing a gradient");
    m_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    v_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
  }
}

void FusedAdam::zero_grad() {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad() = torch::Tensor();  // the next backward allocates it afresh
}

void FusedAdam::step() {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double bias1 = 1 - std::pow(o_.beta1, steps_), bias2 = 1 - std::pow(o_.beta2, steps_);
  for (std::size_t k = 0; k < params_.size(); ++k) {
    torch::Tensor& p = params_[k];
    if (!p.grad().defined()) continue;
    torch::Tensor g = p.grad().contiguous();
    if (p.scalar_type() == torch::kFloat)
      update<float>(p.data_ptr<float>(), g.data_ptr<float>(), m_[k].data_ptr<float>(), v_[k].data_ptr<float>(),
                    p.numel(), o_, bias1, bias2);
    else
      update<double>(p.data_ptr<double>(), g.data_ptr<double>(), m_[k].data_ptr<double>(), v_[k].data_ptr<double>(),
                     p.numel(), o_, bias1, bias2);
    torch::autograd::impl::bump_version(p);  // written through its pointer: let autograd see the change
  }
}

}  // namespace hcdc::hypergrad
