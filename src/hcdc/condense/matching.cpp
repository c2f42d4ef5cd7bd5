#include "hcdc/condense/matching.hpp"

#include <algorithm>
#include <random>

#include "hcdc/core/log.hpp"
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/models/graph_operators.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::condense {
namespace {

using torch::Tensor;

// The blocks a synthetic graph gives its nodes: [X, ÂX, Â²X, …] over its (dense) adjacency.
Tensor synthetic_blocks(const Tensor& x, const Tensor& adjacency, std::int64_t blocks) {
  std::vector<Tensor> b{x};
  if (!adjacency.defined()) {  // identity adjacency: Â = I
    for (std::int64_t k = 1; k < blocks; ++k) b.push_back(x);
  } else {
    auto ops = models::GraphOperators::from_dense(adjacency);
    for (std::int64_t k = 1; k < blocks; ++k) b.push_back(ops.apply(models::GraphOp::kGcn, b.back()));
  }
  return torch::stack(b, 1);
}

// GCond's adjacency generator: a pair MLP 2F → h → h → 1, each hidden layer batch-normalised over
// all m² pairs, then ReLU. The batch normalisation matters: row-normalised features are small and
// alike, so without it every logit sits near the output bias, every edge near sigmoid(0) = ½, and
// the synthetic graph is a uniform complete graph whose propagation averages all classes away.
// Batch statistics are used in every call (the whole pair set is always the batch), so the
// generator stays deterministic and has no running state to checkpoint.
struct AdjacencyMlp {
  Tensor w1, b1, g1, s1, w2, b2, g2, s2, w3, b3;
  AdjacencyMlp(std::int64_t f, std::int64_t h, std::uint64_t seed, torch::Dtype dt) {
    std::mt19937_64 rng(seed);
    auto glorot = [&](std::int64_t r, std::int64_t c) {
      double lim = std::sqrt(6.0 / static_cast<double>(r + c));
      std::uniform_real_distribution<double> u(-lim, lim);
      std::vector<double> v(static_cast<std::size_t>(r * c));
      for (auto& e : v) e = u(rng);
      return torch::tensor(v, torch::kDouble).view({r, c}).to(dt).requires_grad_(true);
    };
    w1 = glorot(2 * f, h);
    w2 = glorot(h, h);
    w3 = glorot(h, 1);
    b1 = torch::zeros({h}, dt).requires_grad_(true);
    b2 = torch::zeros({h}, dt).requires_grad_(true);
    b3 = torch::zeros({1}, dt).requires_grad_(true);
    g1 = torch::ones({h}, dt).requires_grad_(true);  // batch-norm scale and shift
    g2 = torch::ones({h}, dt).requires_grad_(true);
    s1 = torch::zeros({h}, dt).requires_grad_(true);
    s2 = torch::zeros({h}, dt).requires_grad_(true);
  }
  std::vector<Tensor> params() const { return {w1, b1, g1, s1, w2, b2, g2, s2, w3, b3}; }
  // Over the m² pairs as the batch (biased variance, ε = 1e-5), in LibTorch's fused kernel: on
  // 140 synthetic nodes the written-out form's dozen m² × h temporaries were most of GCond's time.
  static Tensor batch_norm(const Tensor& h, const Tensor& scale, const Tensor& shift) {
    const auto sizes = h.sizes().vec();
    return torch::batch_norm(h.reshape({-1, sizes.back()}), scale, shift, {}, {}, /*training=*/true, 0.0, 1e-5,
                             /*cudnn_enabled=*/false)
        .view(sizes);
  }
  Tensor operator()(const Tensor& x) const {
    const auto m = x.size(0), f = x.size(1);
    // [x_i ‖ x_j] through the first layer splits into x_i W_a + x_j W_b: no m² × 2F tensor.
    Tensor a = x.mm(w1.narrow(0, 0, f)), b = x.mm(w1.narrow(0, f, f));
    Tensor h = torch::relu(batch_norm(a.unsqueeze(1) + b.unsqueeze(0) + b1, g1, s1));  // m × m × h
    h = torch::relu(batch_norm(h.matmul(w2) + b2, g2, s2));
    Tensor logits = (h.matmul(w3) + b3).squeeze(2);                                     // m × m
    Tensor adj = torch::sigmoid((logits + logits.t()) / 2);
    return adj * (1 - torch::eye(m, x.options()));
  }
};

}  // namespace

// Synthetic labels and the real nodes (rows) each synthetic node starts from, per class.
std::pair<Tensor, Tensor> initial_rows(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                                       std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> rows, labels;
  auto y = real.y.contiguous();
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    std::vector<std::int64_t> members;
    for (std::int64_t i = 0; i < y.size(0); ++i)
      if (y[i].item<std::int64_t>() == static_cast<std::int64_t>(c)) members.push_back(i);
    std::shuffle(members.begin(), members.end(), rng);
    for (std::int64_t k = 0; k < per_class[c]; ++k) {
      rows.push_back(members[static_cast<std::size_t>(k) % members.size()]);
      labels.push_back(static_cast<std::int64_t>(c));
    }
  }
  return {torch::tensor(rows, torch::kLong), torch::tensor(labels, torch::kLong)};
}

Tensor class_mask_select(const Tensor& t, const Tensor& y, std::int64_t c) {
  return t.index_select(0, torch::nonzero(y == c).squeeze(1));
}

Tensor row_cosine_distance(const Tensor& g_real, const Tensor& g_syn) {
  // Weights are stored in × out: the rows of DC's (out, in) layout are our columns.
  Tensor a = g_real.t(), b = g_syn.t();
  Tensor cos = (a * b).sum(1) / (a.norm(2, 1) * b.norm(2, 1) + 1e-6);
  return (1 - cos).sum();
}

SyntheticSet gradient_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                               std::int64_t num_classes, bool learn_adjacency, const MatchingOptions& o,
                               std::uint64_t seed) {
  const auto dt = real.x.scalar_type();
  const auto blocks = real.x.size(1), f = real.x.size(2);
  auto [rows, y] = initial_rows(real, per_class, seed);
  Tensor x = real.x.select(1, 0).index_select(0, rows).clone().requires_grad_(true);
  torch::optim::Adam fopt({x}, torch::optim::AdamOptions(o.feature_lr));
  // GCond-X as GCond's code runs it: the generator's untrained graph for the matching only.
  const bool frozen_generator = !learn_adjacency && o.gcond_x_graph == MatchingOptions::GcondXGraph::kUntrainedGenerator;
  std::unique_ptr<AdjacencyMlp> mlp;
  std::unique_ptr<torch::optim::Adam> aopt;
  if (learn_adjacency || frozen_generator) mlp = std::make_unique<AdjacencyMlp>(f, o.adjacency_hidden, seed + 1, dt);
  if (learn_adjacency) aopt = std::make_unique<torch::optim::Adam>(mlp->params(), torch::optim::AdamOptions(o.adjacency_lr));
  if (frozen_generator)
    for (auto& p : mlp->params()) p.requires_grad_(false);
  // The matching model: SGC on the top block (λ = e_K), one linear layer, as GCond.
  search::Candidate sgc;
  sgc.lambda.assign(static_cast<std::size_t>(blocks), 0.0);
  sgc.lambda.back() = 1.0;
  sgc.layers = 1;
  auto model = search::make_model(sgc, f, num_classes);
  Tensor lambda = torch::tensor(sgc.lambda, torch::kDouble).to(dt);
  // GCond weights class c's loss by its share of the synthetic set: n_c / max_c n_c.
  const double largest = static_cast<double>(*std::max_element(per_class.begin(), per_class.end()));
  SyntheticSet out;
  Progress progress(learn_adjacency ? "gcond" : "gcond-x", o.iterations, 30.0);
  for (int it = 0; it < o.iterations; ++it, progress.step()) {
    bool adjacency_turn = (learn_adjacency || frozen_generator) && it % o.adjacency_every < o.adjacency_steps;
    // A frozen generator's turn changes nothing GCond keeps (its matching model is discarded).
    if (frozen_generator && adjacency_turn) continue;
    Tensor theta = model->init_theta(seed * 7919ULL + static_cast<std::uint64_t>(it), dt).requires_grad_(true);
    torch::optim::Adam mopt({theta}, torch::optim::AdamOptions(o.model_lr));
    for (int in = 0; in < o.inner; ++in) {
      Tensor adj = mlp ? (*mlp)(x) : Tensor();
      Tensor syn = synthetic_blocks(x, adj, blocks);
      Tensor loss = torch::zeros({}, real.x.options());
      for (std::int64_t c = 0; c < num_classes; ++c) {
        Tensor rc = class_mask_select(real.x, real.y, c), sc = class_mask_select(syn, y, c);
        if (rc.size(0) == 0 || sc.size(0) == 0) continue;
        auto lr = torch::nn::functional::cross_entropy(model->logits(theta, lambda, {rc, nullptr}),
                                                       torch::full({rc.size(0)}, c, torch::kLong));
        auto ls = torch::nn::functional::cross_entropy(model->logits(theta, lambda, {sc, nullptr}),
                                                       torch::full({sc.size(0)}, c, torch::kLong));
        Tensor gr = torch::autograd::grad({lr}, {theta})[0].detach();
        Tensor gs = torch::autograd::grad({ls}, {theta}, {}, true, true)[0];
        Tensor w_r = gr.narrow(0, 0, f * num_classes).view({f, num_classes});
        Tensor w_s = gs.narrow(0, 0, f * num_classes).view({f, num_classes});
        const double weight = o.class_weights ? static_cast<double>(per_class[static_cast<std::size_t>(c)]) / largest : 1.0;
        loss = loss + weight * row_cosine_distance(w_r, w_s);  // the bias (1-D) contributes 0, as in DC
      }
      if (adjacency_turn) aopt->zero_grad();
      else fopt.zero_grad();
      loss.backward();
      if (adjacency_turn) aopt->step();
      else fopt.step();
      if (in + 1 == o.inner) {
        out.loss_history.push_back(loss.item<double>());
        break;  // the model is discarded: no training after the last update (as GCond)
      }
      // Train the matching model on the current synthetic set (DC's and GCond's inner loop); the
      // synthetic graph is fixed meanwhile, so it is built once.
      Tensor synd;
      {
        torch::NoGradGuard ng;
        synd = synthetic_blocks(x.detach(), mlp ? (*mlp)(x.detach()) : Tensor(), blocks);
      }
      for (int step = 0; step < o.model_steps; ++step) {
        mopt.zero_grad();
        torch::nn::functional::cross_entropy(model->logits(theta, lambda, {synd, nullptr}), y).backward();
        mopt.step();
      }
    }
  }
  torch::NoGradGuard ng;
  out.x = x.detach();
  out.y = y;
  if (learn_adjacency) out.adjacency = (*mlp)(out.x).detach();
  out.blocks = synthetic_blocks(out.x, out.adjacency, blocks).detach();
  return out;
}

SyntheticSet distribution_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                                   std::int64_t num_classes, const MatchingOptions& o, std::uint64_t seed) {
  const auto dt = real.x.scalar_type();
  const auto blocks = real.x.size(1), f = real.x.size(2);
  auto [rows, y] = initial_rows(real, per_class, seed);
  // DM learns each synthetic node's blocks freely (they need not come from a graph), starting
  // from the blocks of real nodes of the class.
  Tensor syn = real.x.index_select(0, rows).clone().requires_grad_(true);
  torch::optim::SGD opt({syn}, torch::optim::SGDOptions(o.feature_lr).momentum(0.5));
  SyntheticSet out;
  std::mt19937_64 rng(seed + 17);
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (int it = 0; it < o.iterations; ++it) {
    // A fresh random embedding: random filter mix, random linear layer, ReLU.
    std::vector<double> mixv(static_cast<std::size_t>(blocks)), wv(static_cast<std::size_t>(f * o.embed_hidden));
    for (auto& v : mixv) v = gauss(rng);
    for (auto& v : wv) v = gauss(rng) / std::sqrt(static_cast<double>(f));
    Tensor mix = torch::tensor(mixv, torch::kDouble).to(dt), w = torch::tensor(wv, torch::kDouble).to(dt).view({f, o.embed_hidden});
    auto embed = [&](const Tensor& b) { return torch::relu(models::mix_blocks(b, mix).mm(w)); };
    Tensor loss = torch::zeros({}, real.x.options());
    for (std::int64_t c = 0; c < num_classes; ++c) {
      Tensor rc = class_mask_select(real.x, real.y, c), sc = class_mask_select(syn, y, c);
      if (rc.size(0) == 0 || sc.size(0) == 0) continue;
      loss = loss + (embed(rc).mean(0) - embed(sc).mean(0)).pow(2).sum();
    }
    opt.zero_grad();
    loss.backward();
    opt.step();
    out.loss_history.push_back(loss.item<double>());
  }
  out.blocks = syn.detach();
  out.x = out.blocks.select(1, 0).clone();
  out.y = y;
  return out;
}

}  // namespace hcdc::condense
