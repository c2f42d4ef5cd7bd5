#include "hcdc/condense/image_matching.hpp"

#include <cmath>
#include <random>

#include "hcdc/core/error.hpp"

namespace hcdc::condense {
namespace {

using torch::Tensor;
namespace F = torch::nn::functional;

// DC's ConvNet at depth 2 (without instance normalisation), weights seeded independently of
// LibTorch's generator: w1 (W×C×3×3), b1, w2 (W×W×3×3), b2, w3 (features × classes), b3.
struct MatchingConvNet {
  std::vector<Tensor> p;
  MatchingConvNet(std::int64_t channels, std::int64_t height, std::int64_t width, std::int64_t w, std::int64_t classes,
                  std::uint64_t seed, torch::Dtype dt) {
    std::mt19937_64 rng(seed);
    auto glorot = [&](std::vector<std::int64_t> shape, std::int64_t fan_in, std::int64_t fan_out) {
      const double lim = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
      std::uniform_real_distribution<double> u(-lim, lim);
      std::int64_t n = 1;
      for (auto s : shape) n *= s;
      std::vector<double> v(static_cast<std::size_t>(n));
      for (auto& e : v) e = u(rng);
      return torch::tensor(v, torch::kDouble).view(shape).to(dt).requires_grad_(true);
    };
    const std::int64_t features = w * (height / 4) * (width / 4);
    p = {glorot({w, channels, 3, 3}, channels * 9, w * 9), torch::zeros({w}, dt).requires_grad_(true),
         glorot({w, w, 3, 3}, w * 9, w * 9),                torch::zeros({w}, dt).requires_grad_(true),
         glorot({features, classes}, features, classes),   torch::zeros({classes}, dt).requires_grad_(true)};
  }
  Tensor features(const Tensor& x) const {
    Tensor h = torch::avg_pool2d(torch::relu(torch::conv2d(x, p[0], p[1], 1, 1)), 2, 2);
    h = torch::avg_pool2d(torch::relu(torch::conv2d(h, p[2], p[3], 1, 1)), 2, 2);
    return h.flatten(1);
  }
  Tensor logits(const Tensor& x) const { return torch::addmm(p[5], features(x), p[4]); }
};

// `count` random rows of `rows` (with replacement when it has fewer), from `rng`.
Tensor sample_rows(const Tensor& rows, std::int64_t count, std::mt19937_64& rng) {
  const auto n = rows.size(0);
  if (n <= count) return rows;
  std::vector<std::int64_t> all(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(static_cast<std::size_t>(count));
  return rows.index_select(0, torch::tensor(all, torch::kLong));
}

}  // namespace

Tensor weight_gradient_distance(const Tensor& g_real, const Tensor& g_syn, bool conv) {
  if (!conv) return row_cosine_distance(g_real, g_syn);
  // A conv weight's output unit is its first index: rows of out × (in·k·k), i.e. columns of the transpose.
  return row_cosine_distance(g_real.flatten(1).t(), g_syn.flatten(1).t());
}

Tensor siamese_augment(const Tensor& x, std::uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 0xD5A);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto n = x.size(0), h = x.size(2), w = x.size(3);
  // Colour: brightness shift and contrast scale (DSA's ranges), the same for every image.
  const double brightness = u(rng) - 0.5, contrast = 0.5 + u(rng);
  Tensor y = (x - x.mean({1, 2, 3}, true)) * contrast + x.mean({1, 2, 3}, true) + brightness;
  // Affine: scale in [0.8, 1.2], rotation in ±15°, translation ±1/8 of the side, by a sampled grid.
  const double sx = 0.8 + 0.4 * u(rng), sy = 0.8 + 0.4 * u(rng), angle = (u(rng) - 0.5) * (M_PI / 6.0);
  const double tx = (u(rng) - 0.5) * 0.25, ty = (u(rng) - 0.5) * 0.25;
  const bool flip = u(rng) < 0.5;
  const double c = std::cos(angle), s = std::sin(angle);
  Tensor theta = torch::tensor({(flip ? -1.0 : 1.0) * sx * c, -s * sy, tx, s * sx, sy * c, ty}, torch::kDouble)
                     .to(x.scalar_type())
                     .view({1, 2, 3})
                     .expand({n, 2, 3});
  Tensor grid = F::affine_grid(theta, {n, x.size(1), h, w}, /*align_corners=*/true);
  y = F::grid_sample(y, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
  // Cutout: a zeroed square of half the side at a random place.
  const std::int64_t ch = std::max<std::int64_t>(1, h / 2), cw = std::max<std::int64_t>(1, w / 2);
  const auto r0 = static_cast<std::int64_t>(u(rng) * static_cast<double>(h - ch + 1));
  const auto c0 = static_cast<std::int64_t>(u(rng) * static_cast<double>(w - cw + 1));
  Tensor mask = torch::ones({1, 1, h, w}, x.options());
  mask.narrow(2, std::min(r0, h - ch), ch).narrow(3, std::min(c0, w - cw), cw).zero_();
  return y * mask;
}

SyntheticSet image_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                            std::int64_t num_classes, ImageMatching kind, const MatchingOptions& o, std::uint64_t seed) {
  if (real.x.dim() != 4) throw std::logic_error("image_matching: the samples are not images (N×C×H×W)");
  const auto dt = real.x.scalar_type();
  const auto ch = real.x.size(1), h = real.x.size(2), w = real.x.size(3);
  if (h < 4 || w < 4)
    throw SettingError("images.pool", "the matching ConvNet pools twice by 2: images need at least 4×4 pixels");
  auto [rows, y] = initial_rows(real, per_class, seed);
  Tensor syn = real.x.index_select(0, rows).clone().requires_grad_(true);
  const bool dm = kind == ImageMatching::kDm;
  torch::optim::SGD opt({syn}, torch::optim::SGDOptions(dm ? o.dm_image_lr : o.image_lr).momentum(0.5));
  std::vector<Tensor> real_of(static_cast<std::size_t>(num_classes)), syn_rows(static_cast<std::size_t>(num_classes));
  for (std::int64_t c = 0; c < num_classes; ++c) {
    real_of[static_cast<std::size_t>(c)] = torch::nonzero(real.y == c).squeeze(1);
    syn_rows[static_cast<std::size_t>(c)] = torch::nonzero(y == c).squeeze(1);
  }
  std::mt19937_64 rng(seed + 29);
  const bool augment = kind != ImageMatching::kDc;
  SyntheticSet out;
  std::uint64_t draw = seed * 1000003ULL;
  const int inner = dm ? 1 : o.inner;  // DM has no network training between its steps
  for (int it = 0; it < o.iterations; ++it) {
    MatchingConvNet net(ch, h, w, o.image_width, num_classes, seed * 7919ULL + static_cast<std::uint64_t>(it) + 1, dt);
    torch::optim::SGD mopt(net.p, torch::optim::SGDOptions(o.model_lr).momentum(0.5));
    for (int in = 0; in < inner; ++in) {
      Tensor loss = torch::zeros({}, real.x.options());
      for (std::int64_t c = 0; c < num_classes; ++c) {
        const auto& sr = syn_rows[static_cast<std::size_t>(c)];
        if (sr.size(0) == 0 || real_of[static_cast<std::size_t>(c)].size(0) == 0) continue;
        Tensor rc = real.x.index_select(0, sample_rows(real_of[static_cast<std::size_t>(c)], o.real_batch, rng));
        Tensor sc = syn.index_select(0, sr);
        if (augment) {
          const std::uint64_t d = ++draw;
          rc = siamese_augment(rc, d);
          sc = siamese_augment(sc, d);
        }
        if (dm) {
          torch::NoGradGuard ng_real;
          rc = net.features(rc).mean(0);
        }
        if (dm) {
          loss = loss + (rc - net.features(sc).mean(0)).pow(2).sum();
          continue;
        }
        auto lr = F::cross_entropy(net.logits(rc), torch::full({rc.size(0)}, c, torch::kLong));
        auto ls = F::cross_entropy(net.logits(sc), torch::full({sc.size(0)}, c, torch::kLong));
        auto gr = torch::autograd::grad({lr}, net.p);
        auto gs = torch::autograd::grad({ls}, net.p, {}, true, true);
        for (std::size_t k = 0; k < net.p.size(); k += 2)  // weights only: biases contribute 0, as in DC
          loss = loss + weight_gradient_distance(gr[k].detach(), gs[k], /*conv=*/k < 4);
      }
      opt.zero_grad();
      loss.backward();
      opt.step();
      if (in + 1 == inner) out.loss_history.push_back(loss.item<double>());
      if (dm) continue;
      // DC's inner loop: the network trains a step on the current synthetic set.
      for (auto& t : net.p) t.mutable_grad() = Tensor();
      mopt.zero_grad();
      F::cross_entropy(net.logits(syn.detach()), y).backward();
      mopt.step();
    }
  }
  out.x = syn.detach();
  out.blocks = out.x;
  out.y = y;
  return out;
}

}  // namespace hcdc::condense
