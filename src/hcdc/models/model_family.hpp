#pragma once
// A model family f_θ^λ: maps a flat parameter vector θ and explicit hyperparameters λ to logits.
// λ are tensors separate from θ so hypergradients can be taken with respect to them.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hcdc::models {

class GraphOperators;
class SparseMatrix;

// Training-time dropout of hidden activations (inverted: kept units scaled by 1/(1−p)). The masks
// come from `generator`, so a seeded generator gives the same masks on every run, thread count and
// worker thread. Families with hidden layers that support it (conv-supernet) apply it after each
// hidden layer; the others ignore it.
struct HiddenDropout {
  double p = 0;
  at::Generator generator;
  HiddenDropout(double rate, std::uint64_t seed) : p(rate), generator(at::detail::createCPUGenerator(seed)) {}
  torch::Tensor operator()(const torch::Tensor& h) const {
    if (p <= 0) return h;
    return h * torch::empty_like(h).bernoulli_(1.0 - p, generator) / (1.0 - p);
  }
};

// What a model reads: node/sample features and, for graph models, the graph's operators.
struct ModelInput {
  torch::Tensor x;                                 // n × ... features
  std::shared_ptr<const GraphOperators> graph;     // null for non-graph inputs
  const HiddenDropout* dropout = nullptr;          // training forward with dropout; null: none
  // x as a SparseMatrix when x is a sparse matrix (models/sparse_features.hpp: with_sparse_products).
  std::shared_ptr<const SparseMatrix> sparse_x = nullptr;

  // x·w, through sparse_x when it holds this x (a copy of the input with another x does not use it).
  torch::Tensor x_times(const torch::Tensor& w) const;
};

class ModelFamily {
 public:
  virtual ~ModelFamily() = default;
  virtual std::string name() const = 0;
  virtual std::int64_t num_theta() const = 0;
  virtual std::int64_t num_lambda() const = 0;
  // Seeded initialisation (Glorot-uniform weights, zero biases), independent of LibTorch's RNG.
  virtual torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const = 0;
  virtual torch::Tensor default_lambda(torch::Dtype dtype) const = 0;
  virtual torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const = 0;
  // A λ-dependent penalty added to the training loss (e.g. the L2 strength of logistic regression).
  virtual torch::Tensor penalty(const torch::Tensor& theta, const torch::Tensor& lambda) const;
  // Whether L_train is convex in θ for every λ: then Newton's method reaches θ*(λ) and the
  // implicit-function theorem's premise ∇θ L_train = 0 can be met to round-off.
  virtual bool convex_in_theta() const { return false; }
  // A representation of samples for coreset selection (k-center, herding): the last hidden
  // layer's activations where the family has one; by default the logits.
  virtual torch::Tensor embed(const torch::Tensor& theta, const torch::Tensor& lambda, const torch::Tensor& x) const {
    return logits(theta, lambda, {x, nullptr});
  }
  // Families whose λ weight discrete architecture choices (the image supernet) can switch to
  // GDAS sampling: λ become logits, every forward computes one sampled choice per decision, and
  // λ's gradient is the straight-through one (models/supernet.hpp). False: the family cannot.
  virtual bool sample_architecture(double /*temperature*/) { return false; }
  // A family with sampled noise (Gumbel) draws it afresh from `seed`; between two calls L_train
  // is a deterministic function of (θ, λ), as Hessian-vector products need. Others: nothing.
  virtual void resample_noise(std::uint64_t /*seed*/) {}
  // Whether logits() takes a sparse COO feature matrix as in.x (models/sparse_features.hpp).
  virtual bool accepts_sparse_input() const { return false; }
  // Many models of this family and shape at once (search/batched_training.hpp), B of them:
  //   prepared = batched_prepare(λ, input)     what depends on λ and the input only (B × …),
  //                                            computed once per training, not once per step;
  //   blocks   = batched_blocks(θ)              θ (B × P) as separate B × rows × cols tensors, so
  //                                            each can be an optimiser leaf of its own;
  //   batched_logits(blocks, prepared)          B × n × classes, element b equal (to float
  //                                            rounding) to logits(θ[b], λ[b], input).
  // Families that return true from batchable() implement the three; their penalty() must be 0.
  virtual bool batchable() const { return false; }
  virtual torch::Tensor batched_prepare(const torch::Tensor& lambda, const ModelInput& in) const;
  virtual std::vector<torch::Tensor> batched_blocks(const torch::Tensor& thetas) const;
  virtual torch::Tensor batched_logits(const std::vector<torch::Tensor>& blocks, const torch::Tensor& prepared) const;
};

// Slices a flat θ into named weight blocks (views: autograd flows back into θ).
class ParameterLayout {
 public:
  std::int64_t add(std::int64_t rows, std::int64_t cols);  // returns the block id; cols = 0 for a vector
  torch::Tensor view(const torch::Tensor& theta, std::int64_t block) const;
  // Every block of a B × P stack as its own contiguous tensor: B × rows × cols, or B × 1 × rows
  // for a vector (so it broadcasts as a bias over the rows of a batched product).
  std::vector<torch::Tensor> split_batched(const torch::Tensor& thetas) const;
  std::int64_t size() const { return total_; }
  torch::Tensor glorot(std::uint64_t seed, torch::Dtype dtype) const;  // biases (vectors) start at zero

 private:
  struct Block {
    std::int64_t offset, rows, cols;
  };
  std::vector<Block> blocks_;
  std::int64_t total_ = 0;
};

}  // namespace hcdc::models
