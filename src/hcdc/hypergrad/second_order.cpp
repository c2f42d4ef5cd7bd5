#include "hcdc/hypergrad/second_order.hpp"

#include <stdexcept>
#include <tuple>
#include <vector>

namespace hcdc::hypergrad {

SecondOrder::SecondOrder(const BilevelProblem& p, const torch::Tensor& theta, const torch::Tensor& lambda,
                         bool with_val_loss, bool with_mixed_t)
    : theta_(theta.detach().clone().requires_grad_(true)),
      lambda_(lambda.detach().clone().requires_grad_(true)),
      with_mixed_t_(with_mixed_t) {
  torch::Tensor loss;
  if (with_val_loss) std::tie(loss, val_loss_) = p.losses(theta_, lambda_);
  else loss = p.train_loss(theta_, lambda_);
  std::vector<torch::Tensor> inputs{theta_};
  if (with_mixed_t) inputs.push_back(lambda_);
  auto g = torch::autograd::grad({loss}, inputs, {}, /*retain_graph=*/true, /*create_graph=*/true,
                                 /*allow_unused=*/true);
  g_theta_ = g[0];
  if (with_mixed_t) g_lambda_ = g[1];  // undefined when λ does not enter L_train
}

torch::Tensor SecondOrder::hvp(const torch::Tensor& v) const {
  auto out = torch::autograd::grad({g_theta_}, {theta_}, {v.detach()}, /*retain_graph=*/true, false,
                                   /*allow_unused=*/true)[0];
  return out.defined() ? out.detach() : torch::zeros_like(theta_);
}

torch::Tensor SecondOrder::mixed_times(const torch::Tensor& z) const {
  // ∂/∂λ ⟨∇_θ L_train, z⟩ = M z
  auto out = torch::autograd::grad({g_theta_}, {lambda_}, {z.detach()}, true, false, /*allow_unused=*/true)[0];
  return out.defined() ? out.detach() : torch::zeros_like(lambda_);
}

torch::Tensor SecondOrder::mixed_t_times(const torch::Tensor& w) const {
  // ∂/∂θ ⟨∇_λ L_train, w⟩ = Mᵀ w
  if (!with_mixed_t_) throw std::logic_error("SecondOrder::mixed_t_times: built without with_mixed_t");
  if (!g_lambda_.defined() || !g_lambda_.requires_grad()) return torch::zeros_like(theta_);
  auto out = torch::autograd::grad({g_lambda_}, {theta_}, {w.detach()}, true, false, /*allow_unused=*/true)[0];
  return out.defined() ? out.detach() : torch::zeros_like(theta_);
}

torch::Tensor SecondOrder::dense_hessian() const {
  const auto n = theta_.numel();
  auto h = torch::empty({n, n}, theta_.options().requires_grad(false));
  auto e = torch::zeros_like(theta_);
  for (std::int64_t i = 0; i < n; ++i) {
    e.zero_();
    e[i] = 1;
    h.select(0, i).copy_(hvp(e));
  }
  return 0.5 * (h + h.t());  // symmetric up to round-off; symmetrise for the solve
}

}  // namespace hcdc::hypergrad
