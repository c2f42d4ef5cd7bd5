#include "hcdc/hypergrad/inner_training.hpp"

#include <cmath>

#include "hcdc/core/error.hpp"
#include "hcdc/hypergrad/second_order.hpp"

namespace hcdc::hypergrad {

void check_inner_options(const InnerOptions& o, const std::string& file, const std::string& prefix) {
  if (o.optimizer != "adam" && o.optimizer != "sgd")
    throw InputError(file, prefix + "optimizer", "must be adam or sgd (got '" + o.optimizer + "')");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) throw InputError(file, prefix + "lr", "must be finite and > 0");
  if (!(o.momentum >= 0 && o.momentum < 1)) throw InputError(file, prefix + "momentum", "must be in [0, 1)");
  if (o.steps < 0) throw InputError(file, prefix + "steps", "must be >= 0");
  if (o.finish != "auto" && o.finish != "newton" && o.finish != "none")
    throw InputError(file, prefix + "finish", "must be auto, newton or none (got '" + o.finish + "')");
  if (!(o.ift_tolerance > 0)) throw InputError(file, prefix + "ift_tolerance", "must be > 0");
}

torch::Tensor train_theta(const BilevelProblem& p, const torch::Tensor& theta0, const torch::Tensor& lambda,
                          const InnerOptions& o) {
  torch::Tensor theta = theta0.detach().clone().requires_grad_(true);
  torch::Tensor lam = lambda.detach();
  std::unique_ptr<torch::optim::Optimizer> opt;
  if (o.optimizer == "adam")
    opt = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{theta}, torch::optim::AdamOptions(o.lr));
  else
    opt = std::make_unique<torch::optim::SGD>(std::vector<torch::Tensor>{theta},
                                              torch::optim::SGDOptions(o.lr).momentum(o.momentum));
  for (int s = 0; s < o.steps; ++s) {
    opt->zero_grad();
    p.train_loss(theta, lam).backward();
    opt->step();
  }
  return theta.detach();
}

torch::Tensor minimize_newton(const BilevelProblem& p, const torch::Tensor& theta0, const torch::Tensor& lambda,
                              int max_iterations, double gradient_tolerance) {
  // Damped Newton: a backtracking line search on L_train keeps it from leaving the basin on
  // non-convex models; where H is not positive definite it takes a gradient step instead.
  torch::Tensor theta = theta0.detach().clone();
  torch::Tensor lam = lambda.detach();
  auto loss = [&](const torch::Tensor& t) {
    torch::NoGradGuard ng;
    return p.train_loss(t, lam).item<double>();
  };
  for (int it = 0; it < max_iterations; ++it) {
    SecondOrder so(p, theta, lam, /*with_val_loss=*/false, /*with_mixed_t=*/false);  // ∇θ and H only
    torch::Tensor g = so.grad_theta().detach();
    if (g.norm().item<double>() < gradient_tolerance) break;
    torch::Tensor step = -at::linalg_solve(so.dense_hessian(), g.unsqueeze(1)).squeeze(1);
    if (!(step.dot(g).item<double>() < 0)) step = -g;
    double f0 = loss(theta), t = 1.0;
    while (t > 1e-10 && !(loss(theta + t * step) <= f0 + 1e-4 * t * step.dot(g).item<double>())) t *= 0.5;
    theta = theta + t * step;
  }
  return theta;
}

}  // namespace hcdc::hypergrad
