// SparseMatrix (models/sparse_matrix.hpp) against closed forms computed with LibTorch's dense
// products: S·z, the gradient Sᵀc of ⟨c, S·z⟩, the Hessian SᵀS of ½‖S·z‖², a nonlinear
// Hessian-vector product against the dense route, and the same bits at 1 and 2 threads.
#include <gtest/gtest.h>

#include "hcdc/models/graph_operators.hpp"
#include "hcdc/models/sparse_features.hpp"
#include "hcdc/models/sparse_matrix.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

// rows × cols with about `share` of the entries non-zero and rows 0 and 3 empty.
torch::Tensor random_sparse(std::int64_t rows, std::int64_t cols, double share, torch::Dtype dtype, std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::Tensor d = torch::rand({rows, cols}, torch::kDouble).lt(share).to(torch::kDouble) *
                    torch::randn({rows, cols}, torch::kDouble);
  d[0].zero_();
  if (rows > 3) d[3].zero_();
  return d.to(dtype);
}

torch::Tensor symmetric_sparse(std::int64_t n, std::uint64_t seed) {
  torch::Tensor d = random_sparse(n, n, 0.1, torch::kDouble, seed);
  return d + d.t();
}

TEST(SparseMatrix, ProductEqualsTheDenseProduct) {
  for (torch::Dtype dt : {torch::kDouble, torch::kFloat}) {
    torch::Tensor d = random_sparse(37, 23, 0.15, dt, 1);
    models::SparseMatrix s(d.to_sparse());
    torch::Tensor z = torch::randn({23, 6}, torch::TensorOptions().dtype(dt));
    torch::Tensor got = s.times(z);
    EXPECT_EQ(got.sizes(), (std::vector<std::int64_t>{37, 6}));
    EXPECT_LT(rel_err(got.to(torch::kDouble), d.mm(z).to(torch::kDouble)), dt == torch::kDouble ? 1e-14 : 1e-6);
    EXPECT_TRUE(torch::equal(got[0], torch::zeros({6}, z.options()))) << "an empty row gives zeros";
    // A non-contiguous z (a transposed view) is read as its values.
    torch::Tensor zt = torch::randn({6, 23}, z.options()).t();
    EXPECT_LT(rel_err(s.times(zt).to(torch::kDouble), d.mm(zt).to(torch::kDouble)), dt == torch::kDouble ? 1e-14 : 1e-6);
  }
  models::SparseMatrix empty(torch::zeros({5, 4}, torch::kDouble).to_sparse());
  EXPECT_TRUE(torch::equal(empty.times(torch::ones({4, 3}, torch::kDouble)), torch::zeros({5, 3}, torch::kDouble)));
}

TEST(SparseMatrix, GradientIsTheTransposedProduct) {
  for (torch::Tensor d : {random_sparse(31, 17, 0.2, torch::kDouble, 2), symmetric_sparse(25, 3)}) {
    models::SparseMatrix s(d.to_sparse());
    torch::Tensor z = torch::randn({d.size(1), 4}, torch::kDouble).requires_grad_();
    torch::Tensor c = torch::randn({d.size(0), 4}, torch::kDouble);
    (s.times(z) * c).sum().backward();
    EXPECT_LT(rel_err(z.grad(), d.t().mm(c)), 1e-14);
  }
}

TEST(SparseMatrix, SecondDerivativesMatchTheClosedFormAndTheDenseRoute) {
  for (torch::Tensor d : {random_sparse(29, 19, 0.2, torch::kDouble, 4), symmetric_sparse(21, 5)}) {
    models::SparseMatrix s(d.to_sparse());
    torch::Tensor z = torch::randn({d.size(1), 3}, torch::kDouble).requires_grad_();
    torch::Tensor v = torch::randn({d.size(1), 3}, torch::kDouble);
    // f = ½‖S z‖²: ∇f = SᵀS z, ∇²f · v = SᵀS v.
    torch::Tensor g = torch::autograd::grad({0.5 * s.times(z).pow(2).sum()}, {z}, {}, true, true)[0];
    EXPECT_LT(rel_err(g, d.t().mm(d.mm(z))), 1e-13);
    torch::Tensor hv = torch::autograd::grad({(g * v).sum()}, {z})[0];
    EXPECT_LT(rel_err(hv, d.t().mm(d.mm(v))), 1e-13);
    // A nonlinear f = Σ tanh(S z)²: the Hessian-vector product of the dense route.
    auto hvp = [&](auto&& times) {
      torch::Tensor gz = torch::autograd::grad({torch::tanh(times(z)).pow(2).sum()}, {z}, {}, true, true)[0];
      return torch::autograd::grad({(gz * v).sum()}, {z})[0];
    };
    torch::Tensor want = hvp([&](const torch::Tensor& a) { return d.mm(a); });
    EXPECT_LT(rel_err(hvp([&](const torch::Tensor& a) { return s.times(a); }), want), 1e-12);
    EXPECT_GT(want.norm().item<double>(), 1e-6);
  }
}

TEST(SparseMatrix, SameBitsAtOneAndTwoThreads) {
  torch::Tensor d = random_sparse(3000, 400, 0.02, torch::kFloat, 6);
  models::SparseMatrix s(d.to_sparse());
  torch::Tensor z = torch::randn({400, 64});
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  torch::Tensor one = s.times(z);
  at::set_num_threads(2);
  torch::Tensor two = s.times(z);
  at::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one, two));
  EXPECT_LT(rel_err(one, d.mm(z)), 1e-6);
}

TEST(SparseMatrix, RowsTimesIsThoseRowsOfTheProductBitwise) {
  const int before = at::get_num_threads();
  for (torch::Dtype dt : {torch::kDouble, torch::kFloat}) {
    torch::Tensor d = random_sparse(3000, 400, 0.02, dt, 11);
    models::SparseMatrix s(d.to_sparse());
    torch::Tensor z = torch::randn({400, 9}, torch::TensorOptions().dtype(dt));
    const std::vector<torch::Tensor> lists{longs({3, 3, 0, 2999, 10, 1500}), torch::arange(3000, torch::kLong),
                                           torch::empty({0}, torch::kLong)};
    for (int threads : {1, 2}) {
      at::set_num_threads(threads);
      torch::Tensor whole = s.times(z);
      for (const auto& rows : lists) {
        torch::Tensor got = s.rows_times(rows, z);
        EXPECT_EQ(got.sizes(), (std::vector<std::int64_t>{rows.size(0), 9}));
        EXPECT_TRUE(torch::equal(got, whole.index_select(0, rows))) << threads << " threads, " << rows.size(0) << " rows";
      }
      EXPECT_LT(rel_err(s.rows_times(lists[0], z).to(torch::kDouble), d.mm(z).index_select(0, lists[0]).to(torch::kDouble)),
                dt == torch::kDouble ? 1e-14 : 1e-6);
    }
    EXPECT_THROW(s.rows_times(longs({0, 3000}), z), std::out_of_range);
    EXPECT_THROW(s.rows_times(longs({-1}), z), std::out_of_range);
  }
  at::set_num_threads(before);
  // Through the graph operators, sparse and dense alike.
  SmallGraph g = small_graph(40, 3, 5, 3);
  auto dense = models::GraphOperators::from_dense(g.ops->op(models::GraphOp::kAdj).to_dense());
  for (auto o : {models::GraphOp::kGcn, models::GraphOp::kSymAdj}) {
    torch::Tensor rows = longs({7, 0, 39, 7});
    EXPECT_TRUE(torch::equal(g.ops->apply_rows(o, rows, g.x), g.ops->apply(o, g.x).index_select(0, rows)));
    EXPECT_TRUE(torch::equal(dense.apply_rows(o, rows, g.x), dense.apply(o, g.x).index_select(0, rows)));
  }
}

TEST(SparseMatrix, WhatItCannotHoldOrMultiplyIsLeftToLibTorch) {
  torch::Tensor d = random_sparse(8, 5, 0.3, torch::kDouble, 7);
  EXPECT_FALSE(models::SparseMatrix::supports(d)) << "dense";
  EXPECT_FALSE(models::SparseMatrix::supports(d.to_sparse().to(torch::kLong))) << "integer";
  EXPECT_FALSE(models::SparseMatrix::supports(d.to_sparse().requires_grad_())) << "values that need a gradient";
  EXPECT_THROW(models::SparseMatrix{d}, std::invalid_argument);
  models::SparseMatrix s(d.to_sparse());
  EXPECT_THROW(s.times(torch::ones({4, 2}, torch::kDouble)), c10::Error) << "inner sizes differ: LibTorch's error";
}

TEST(SparseMatrix, GraphOperatorsApplyEveryOperatorAndItsTranspose) {
  SmallGraph g = small_graph(40, 3, 6, 8);
  torch::Tensor x = torch::randn({40, 5}, torch::kDouble).requires_grad_();
  torch::Tensor c = torch::randn({40, 5}, torch::kDouble);
  for (auto o : {models::GraphOp::kGcn, models::GraphOp::kSymAdj, models::GraphOp::kAdj, models::GraphOp::kMeanAdj}) {
    torch::Tensor dense = g.ops->op(o).to_dense();
    torch::Tensor y = g.ops->apply(o, x);
    EXPECT_LT(rel_err(y, dense.mm(x)), 1e-14);
    torch::Tensor gx = torch::autograd::grad({(y * c).sum()}, {x})[0];
    EXPECT_LT(rel_err(gx, dense.t().mm(c)), 1e-14) << "mean adjacency is not symmetric: its transpose is built";
  }
}

TEST(SparseMatrix, ModelInputUsesItOnlyForTheFeaturesItWasBuiltFrom) {
  torch::Tensor d = random_sparse(12, 7, 0.2, torch::kDouble, 9);
  models::ModelInput in = models::with_sparse_products({d.to_sparse(), nullptr});
  ASSERT_TRUE(in.sparse_x);
  torch::Tensor w = torch::randn({7, 3}, torch::kDouble);
  EXPECT_LT(rel_err(in.x_times(w), d.mm(w)), 1e-14);
  models::ModelInput other = in;
  other.x = torch::randn({12, 7}, torch::kDouble);
  EXPECT_LT(rel_err(other.x_times(w), other.x.mm(w)), 1e-15) << "another x is not multiplied as the old one";
  EXPECT_FALSE(models::with_sparse_products({d, nullptr}).sparse_x) << "dense features stay dense";
}

}  // namespace
}  // namespace hcdc::test
