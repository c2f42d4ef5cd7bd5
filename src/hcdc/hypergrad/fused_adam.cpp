#include "hcdc/hypergrad/fused_adam.hpp"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/variable.h>

#include <cmath>
#include <tuple>
#include <stdexcept>

namespace hcdc::hypergrad {
namespace {

// Below this many elements a chunk is not worth a thread.
constexpr std::int64_t kGrainElements = 1 << 14;

// The loop body, for one chunk: __restrict__ (the four arrays never overlap) and no branch inside,
// so the compiler can vectorise it; src/CMakeLists.txt compiles this file with -fno-math-errno,
// without which std::sqrt may set errno and the loop stays scalar (v ≥ 0: it never would). The
// scalar loop was 2.2× slower than LibTorch's ten vectorised passes.
template <class T, bool kDecay>
void update_chunk(T* __restrict__ p, const T* __restrict__ g, T* __restrict__ m, T* __restrict__ v, std::int64_t n,
                  T b1, T b2, T one_b1, T one_b2, T wd, T eps, T sqrt_bias2, T step) {
  for (std::int64_t i = 0; i < n; ++i) {
    const T gi = kDecay ? g[i] + wd * p[i] : g[i];
    // LibTorch's order: mul_ then add_(g, α) = a + α·g; addcmul_ = a + (α·g)·g; addcdiv_ = a + (α·m)/d.
    const T mi = m[i] * b1 + one_b1 * gi;
    const T vi = v[i] * b2 + one_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] + step * mi / (std::sqrt(vi) / sqrt_bias2 + eps);
  }
}

template <class T>
void update(T* p, const T* g, T* m, T* v, std::int64_t n, const FusedAdamOptions& o, double bias1, double bias2) {
  const T b1 = static_cast<T>(o.beta1), b2 = static_cast<T>(o.beta2);
  const T one_b1 = static_cast<T>(1 - o.beta1), one_b2 = static_cast<T>(1 - o.beta2);
  const T wd = static_cast<T>(o.weight_decay), eps = static_cast<T>(o.eps);
  const T sqrt_bias2 = static_cast<T>(std::sqrt(bias2)), step = static_cast<T>(-(o.lr / bias1));
  at::parallel_for(0, n, kGrainElements, [&](std::int64_t b, std::int64_t e) {
    auto chunk = wd != 0 ? update_chunk<T, true> : update_chunk<T, false>;
    chunk(p + b, g + b, m + b, v + b, e - b, b1, b2, one_b1, one_b2, wd, eps, sqrt_bias2, step);
  });
}

// One parameter's update from its gradient at Adam step `step` (1-based).
void update_param(torch::Tensor& p, torch::Tensor& m, torch::Tensor& v, std::int64_t step, const FusedAdamOptions& o) {
  const double bias1 = 1 - std::pow(o.beta1, static_cast<double>(step));
  const double bias2 = 1 - std::pow(o.beta2, static_cast<double>(step));
  torch::Tensor g = p.grad().contiguous();
  if (p.scalar_type() == torch::kFloat)
    update<float>(p.data_ptr<float>(), g.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(), p.numel(), o,
                  bias1, bias2);
  else
    update<double>(p.data_ptr<double>(), g.data_ptr<double>(), m.data_ptr<double>(), v.data_ptr<double>(), p.numel(),
                   o, bias1, bias2);
  torch::autograd::impl::bump_version(p);  // written through its pointer: let autograd see the change
}

bool updatable(const torch::Tensor& p) {
  return p.defined() && p.device().is_cpu() && p.is_contiguous() &&
         (p.scalar_type() == torch::kFloat || p.scalar_type() == torch::kDouble);
}

}  // namespace

void fused_step(torch::optim::Adam& opt) {
  torch::NoGradGuard no_grad;
  for (auto& group : opt.param_groups()) {
    const auto& ao = static_cast<const torch::optim::AdamOptions&>(group.options());
    if (ao.amsgrad()) throw std::invalid_argument("fused_step: AMSGrad is not supported");
    FusedAdamOptions o;
    o.lr = ao.lr();
    std::tie(o.beta1, o.beta2) = ao.betas();
    o.eps = ao.eps();
    o.weight_decay = ao.weight_decay();
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (!updatable(p)) throw std::invalid_argument("fused_step: parameters must be contiguous float32/float64 CPU tensors");
      // LibTorch's own state entry, created as torch::optim::Adam::step creates it.
      auto& slot = opt.state()[c10::guts::to_string(p.unsafeGetTensorImpl())];
      if (!slot) {
        auto st = std::make_unique<torch::optim::AdamParamState>();
        st->step(0);
        st->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        st->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        slot = std::move(st);
      }
      auto& st = static_cast<torch::optim::AdamParamState&>(*slot);
      if (!st.exp_avg().is_contiguous() || !st.exp_avg_sq().is_contiguous())
        throw std::invalid_argument("fused_step: Adam's moments must be contiguous");
      st.step(st.step() + 1);
      torch::Tensor m = st.exp_avg(), v = st.exp_avg_sq();
      update_param(p, m, v, st.step(), o);
    }
  }
}

FusedAdam::FusedAdam(std::vector<torch::Tensor> params, FusedAdamOptions o) : params_(std::move(params)), o_(o) {
  for (const auto& p : params_) {
    if (!updatable(p) || !p.requires_grad())
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
  for (std::size_t k = 0; k < params_.size(); ++k)
    if (params_[k].grad().defined()) update_param(params_[k], m_[k], v_[k], steps_, o_);
}

}  // namespace hcdc::hypergrad
