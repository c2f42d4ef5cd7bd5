// SparseMatrix (models/sparse_matrix.hpp) against closed forms computed with LibTorch's dense
// products: S·z, the gradient Sᵀc of ⟨c, S·z⟩, the Hessian SᵀS of ½‖S·z‖², a nonlinear
// Hessian-vector product against the dense route, and the same bits at 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

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

// A directed, weighted graph in CSR whose rows list their columns out of order, with self-loops
// on every fifth node and no duplicate entries; `duplicates` repeats every seventh entry.
struct RawCsr {
  std::int64_t n = 0;
  std::vector<std::int64_t> indptr, indices;
  std::vector<float> weights;
};
RawCsr shuffled_csr(std::int64_t n, bool duplicates, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  RawCsr g;
  g.n = n;
  g.indptr.push_back(0);
  std::uniform_real_distribution<float> w(0.25f, 2.0f);
  for (std::int64_t u = 0; u < n; ++u) {
    std::vector<std::int64_t> row;
    for (std::int64_t v = 0; v < n; ++v)
      if ((rng() % 7 == 0 && v != u) || (v == u && u % 5 == 0)) row.push_back(v);
    if (u == 3) row.clear();  // an isolated node
    std::shuffle(row.begin(), row.end(), rng);
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < row.size(); ++i) {
      out.push_back(row[i]);
      if (duplicates && i % 7 == 0) out.push_back(row[i]);
    }
    for (auto v : out) {
      g.indices.push_back(v);
      g.weights.push_back(w(rng));
    }
    g.indptr.push_back(static_cast<std::int64_t>(g.indices.size()));
  }
  return g;
}

// The operators as this project built them before compressed rows came straight from the CSR:
// COO tensors of (row, column, value), coalesced (the oracle for the bits of every entry).
torch::Tensor coo_operator(const RawCsr& g, models::GraphOp o, torch::Dtype dt) {
  std::vector<std::int64_t> row;
  for (std::int64_t u = 0; u < g.n; ++u)
    for (auto k = g.indptr[u]; k < g.indptr[u + 1]; ++k) row.push_back(u);
  torch::Tensor r = torch::tensor(row), c = torch::tensor(g.indices), w = torch::tensor(g.weights).to(dt);
  torch::Tensor deg = torch::zeros({g.n}, w.options()).index_add_(0, r, w);
  auto safe_pow = [](const torch::Tensor& d, double p) { return torch::where(d > 0, d.pow(p), torch::zeros_like(d)); };
  auto coo = [&](const torch::Tensor& rr, const torch::Tensor& cc, const torch::Tensor& v) {
    return torch::sparse_coo_tensor(torch::stack({rr, cc}), v, {g.n, g.n}).coalesce();
  };
  switch (o) {
    case models::GraphOp::kAdj: return coo(r, c, w);
    case models::GraphOp::kSymAdj: {
      torch::Tensor dis = safe_pow(deg, -0.5);
      return coo(r, c, dis.index_select(0, r) * w * dis.index_select(0, c));
    }
    case models::GraphOp::kMeanAdj: return coo(r, c, safe_pow(deg, -1.0).index_select(0, r) * w);
    case models::GraphOp::kGcn: {
      torch::Tensor self = torch::arange(g.n), tdis = (deg + 1).pow(-0.5);
      return coo(torch::cat({r, self}), torch::cat({c, self}),
                 torch::cat({tdis.index_select(0, r) * w * tdis.index_select(0, c), tdis * tdis}));
    }
  }
  return {};
}

constexpr models::GraphOp kEveryOp[] = {models::GraphOp::kGcn, models::GraphOp::kSymAdj, models::GraphOp::kAdj,
                                        models::GraphOp::kMeanAdj};

TEST(SparseMatrix, OperatorsFromTheCsrAreTheCoalescedCooOperatorsBitwise) {
  const RawCsr g = shuffled_csr(37, false, 4);
  for (auto dt : {torch::kFloat, torch::kDouble}) {
    auto all = models::GraphOperators::from_csr(g.n, g.indptr, g.indices, g.weights, dt);
    torch::Tensor z = torch::randn({g.n, 6}, torch::kDouble).to(dt);
    for (auto o : kEveryOp) {
      auto one = models::GraphOperators::one_from_csr(g.n, g.indptr, g.indices, g.weights, dt, o);
      torch::Tensor want = coo_operator(g, o, dt);
      for (const auto* ops : {&all, &one}) {
        const torch::Tensor& got = ops->op(o);
        ASSERT_TRUE(got.is_sparse() && got.is_coalesced());
        EXPECT_TRUE(torch::equal(got.indices(), want.indices())) << static_cast<int>(o);
        EXPECT_TRUE(torch::equal(got.values(), want.values())) << static_cast<int>(o);
        // Products and their backward against the COO tensor's own SparseMatrix, bit for bit.
        models::SparseMatrix ref(want);
        torch::Tensor zz = z.clone().requires_grad_();
        torch::Tensor y = ops->apply(o, zz);
        EXPECT_TRUE(torch::equal(y, ref.times(z)));
        torch::Tensor gz = torch::autograd::grad({y.sum()}, {zz})[0];
        torch::Tensor zr = z.clone().requires_grad_();
        torch::Tensor gr = torch::autograd::grad({ref.times(zr).sum()}, {zr})[0];
        EXPECT_TRUE(torch::equal(gz, gr)) << "the transpose, built from the compressed rows";
        torch::Tensor rows = torch::tensor({5, 0, 3, 36, 5});
        EXPECT_TRUE(torch::equal(ops->apply_rows(o, rows, z), ref.rows_times(rows, z)));
      }
      EXPECT_FALSE(one.has(o == models::GraphOp::kAdj ? models::GraphOp::kGcn : models::GraphOp::kAdj));
    }
    EXPECT_TRUE(torch::equal(all.targets(), coo_operator(g, models::GraphOp::kAdj, dt).indices()[0]));
    EXPECT_TRUE(torch::equal(all.sources(), coo_operator(g, models::GraphOp::kAdj, dt).indices()[1]));
  }
}

TEST(SparseMatrix, DuplicateCsrEntriesAreSummedAsCoalescingSumsThem) {
  const RawCsr g = shuffled_csr(29, true, 6);
  for (auto o : kEveryOp) {
    auto one = models::GraphOperators::one_from_csr(g.n, g.indptr, g.indices, g.weights, torch::kDouble, o);
    torch::Tensor want = coo_operator(g, o, torch::kDouble);
    EXPECT_TRUE(torch::equal(one.op(o).indices(), want.indices()));
    EXPECT_LT(rel_err(one.op(o).values(), want.values()), 1e-15);
  }
}

TEST(SparseMatrix, CompressedRowsThatBreakTheLayoutAreRefused) {
  auto make = [](std::vector<std::int64_t> start, std::vector<std::int64_t> col) {
    return models::SparseMatrix::from_compressed_rows(2, 3, torch::tensor(start), torch::tensor(col),
                                                      torch::ones({static_cast<std::int64_t>(col.size())}));
  };
  EXPECT_NO_THROW(make({0, 2, 3}, {0, 2, 1}));
  EXPECT_THROW(make({0, 2, 3}, {2, 0, 1}), std::invalid_argument) << "columns out of order";
  EXPECT_THROW(make({0, 2, 3}, {1, 1, 1}), std::invalid_argument) << "a repeated column";
  EXPECT_THROW(make({0, 2, 3}, {0, 3, 1}), std::invalid_argument) << "a column past the end";
  EXPECT_THROW(make({0, 3, 2}, {0, 1, 2}), std::invalid_argument) << "decreasing offsets";
  EXPECT_THROW(make({0, 2}, {0, 1}), std::invalid_argument) << "too few offsets";
  EXPECT_THROW(models::GraphOperators::one_from_csr(3, {0, 1, 1, 2}, {0, 3}, {}, torch::kFloat, models::GraphOp::kGcn),
               std::invalid_argument)
      << "an edge to a node past the graph";
  models::SparseMatrix s = make({0, 2, 3}, {0, 2, 1});
  EXPECT_EQ(s.rows(), 2);
  EXPECT_EQ(s.cols(), 3);
  EXPECT_TRUE(torch::equal(s.coo().to_dense(), torch::tensor({1.f, 0.f, 1.f, 0.f, 1.f, 0.f}).view({2, 3})));
}

}  // namespace
}  // namespace hcdc::test
