#include "hcdc/models/linear_conv_regression.hpp"

namespace hcdc::models {

LinearConvRegression::LinearConvRegression(const GraphOperators& g, const torch::Tensor& x, const torch::Tensor& y,
                                           const torch::Tensor& train_idx, const torch::Tensor& val_idx, int order,
                                           double ridge)
    : y_(y), train_(train_idx), val_(val_idx), features_(x.size(1)), ridge_(ridge) {
  basis_.push_back(x);
  for (int k = 1; k <= order; ++k) basis_.push_back(g.apply(GraphOp::kGcn, basis_.back()));
}

torch::Tensor LinearConvRegression::predict(const torch::Tensor& w, const torch::Tensor& lambda,
                                            const torch::Tensor& idx) const {
  torch::Tensor z = lambda[0] * basis_[0].index_select(0, idx);
  for (size_t k = 1; k < basis_.size(); ++k) z = z + lambda[static_cast<int64_t>(k)] * basis_[k].index_select(0, idx);
  return torch::mv(z, w);
}

torch::Tensor LinearConvRegression::train_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  torch::Tensor r = predict(theta, lambda, train_) - y_.index_select(0, train_);
  return r.pow(2).mean() + ridge_ * theta.pow(2).sum();
}

torch::Tensor LinearConvRegression::val_loss(const torch::Tensor& theta, const torch::Tensor& lambda) const {
  torch::Tensor r = predict(theta, lambda, val_) - y_.index_select(0, val_);
  return r.pow(2).mean();
}

torch::Tensor LinearConvRegression::solve_theta(const torch::Tensor& lambda) const {
  torch::NoGradGuard ng;
  torch::Tensor z = lambda[0] * basis_[0].index_select(0, train_);
  for (size_t k = 1; k < basis_.size(); ++k) z = z + lambda[static_cast<int64_t>(k)] * basis_[k].index_select(0, train_);
  const double n = static_cast<double>(train_.size(0));
  torch::Tensor a = z.t().mm(z) / n + ridge_ * torch::eye(features_, z.options());
  torch::Tensor b = z.t().mv(y_.index_select(0, train_)) / n;
  return at::linalg_solve(a, b.unsqueeze(1)).squeeze(1);
}

}  // namespace hcdc::models
