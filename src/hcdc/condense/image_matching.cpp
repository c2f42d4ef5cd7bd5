#include "hcdc/condense/image_matching.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"

namespace hcdc::condense {
namespace {

using torch::Tensor;
namespace F = torch::nn::functional;

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

// hcdc's augmentation up to 2026-12-06 (MatchingOptions::Augmentation::kAllAtOnce): every family
// in one draw, with its own parameter ranges.
Tensor augment_all_at_once(const Tensor& x, std::uint64_t seed) {
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

}  // namespace

Tensor weight_gradient_distance(const Tensor& g_real, const Tensor& g_syn, bool conv) {
  if (!conv) return row_cosine_distance(g_real, g_syn);
  // A conv weight's output unit is its first index: rows of out × (in·k·k), i.e. columns of the transpose.
  return row_cosine_distance(g_real.flatten(1).t(), g_syn.flatten(1).t());
}

DsaFamily draw_dsa_family(std::mt19937_64& rng) {
  return static_cast<DsaFamily>(std::uniform_int_distribution<int>(0, kDsaFamilies - 1)(rng));
}

DsaParams draw_dsa_params(std::mt19937_64& rng, std::int64_t height, std::int64_t width) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  DsaParams p;
  p.brightness = u(rng) - 0.5;
  p.saturation = 2.0 * u(rng);
  p.contrast = u(rng) + 0.5;
  // DSA's shifts and cutout sizes round side × ratio to the nearest pixel (int(side · r + 0.5)).
  const auto shift_h = static_cast<std::int64_t>(static_cast<double>(height) * 0.125 + 0.5);
  const auto shift_w = static_cast<std::int64_t>(static_cast<double>(width) * 0.125 + 0.5);
  p.shift_h = std::uniform_int_distribution<std::int64_t>(-shift_h, shift_h)(rng);
  p.shift_w = std::uniform_int_distribution<std::int64_t>(-shift_w, shift_w)(rng);
  // The centre ranges over 0…side (DSA: randint(0, side + 1 − size mod 2)).
  const auto cut_h = static_cast<std::int64_t>(static_cast<double>(height) * 0.5 + 0.5);
  const auto cut_w = static_cast<std::int64_t>(static_cast<double>(width) * 0.5 + 0.5);
  p.cutout_h = std::uniform_int_distribution<std::int64_t>(0, height - cut_h % 2)(rng);
  p.cutout_w = std::uniform_int_distribution<std::int64_t>(0, width - cut_w % 2)(rng);
  p.flip = u(rng) < 0.5;
  const double r = 1.2;
  p.scale_h = u(rng) * (r - 1.0 / r) + 1.0 / r;
  p.scale_w = u(rng) * (r - 1.0 / r) + 1.0 / r;
  p.angle = (u(rng) - 0.5) * 2.0 * 15.0 / 180.0 * M_PI;
  return p;
}

Tensor dsa_transform(const Tensor& x, DsaFamily family, const DsaParams& p) {
  const auto n = x.size(0), h = x.size(2), w = x.size(3);
  auto resample = [&](double a, double b, double c, double d) {  // output (u, v) reads input (a u + b v, c u + d v)
    Tensor theta = torch::tensor({a, b, 0.0, c, d, 0.0}, torch::kDouble).to(x.scalar_type()).view({1, 2, 3}).expand({n, 2, 3});
    Tensor grid = F::affine_grid(theta, {n, x.size(1), h, w}, /*align_corners=*/true);
    return F::grid_sample(x, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
  };
  switch (family) {
    case DsaFamily::kColor: {
      Tensor y = x + p.brightness;
      const Tensor channel_mean = y.mean(1, true);
      y = (y - channel_mean) * p.saturation + channel_mean;
      const Tensor image_mean = y.mean({1, 2, 3}, true);
      return (y - image_mean) * p.contrast + image_mean;
    }
    case DsaFamily::kCrop: {
      // Pad by the shift on each side, then read the window moved by it: zero where it leaves x.
      const auto ah = std::abs(p.shift_h), aw = std::abs(p.shift_w);
      Tensor padded = F::pad(x, F::PadFuncOptions({aw, aw, ah, ah}));
      return padded.narrow(2, ah + p.shift_h, h).narrow(3, aw + p.shift_w, w);
    }
    case DsaFamily::kCutout: {
      const auto size_h = static_cast<std::int64_t>(static_cast<double>(h) * 0.5 + 0.5);
      const auto size_w = static_cast<std::int64_t>(static_cast<double>(w) * 0.5 + 0.5);
      // DSA clamps the square's rows and columns into the image; a clamped range is its clipped ends.
      const auto r0 = std::clamp<std::int64_t>(p.cutout_h - size_h / 2, 0, h - 1);
      const auto r1 = std::clamp<std::int64_t>(p.cutout_h - size_h / 2 + size_h - 1, 0, h - 1);
      const auto c0 = std::clamp<std::int64_t>(p.cutout_w - size_w / 2, 0, w - 1);
      const auto c1 = std::clamp<std::int64_t>(p.cutout_w - size_w / 2 + size_w - 1, 0, w - 1);
      Tensor mask = torch::ones({1, 1, h, w}, x.options());
      mask.narrow(2, r0, r1 - r0 + 1).narrow(3, c0, c1 - c0 + 1).zero_();
      return x * mask;
    }
    case DsaFamily::kFlip:
      return p.flip ? x.flip({3}) : x;
    case DsaFamily::kScale:  // affine_grid's first row is the width (x) coordinate
      return resample(p.scale_w, 0.0, 0.0, p.scale_h);
    case DsaFamily::kRotate: {
      const double c = std::cos(p.angle), s = std::sin(p.angle);
      return resample(c, -s, s, c);
    }
  }
  throw std::logic_error("dsa_transform: unknown family");
}

Tensor siamese_augment(const Tensor& x, std::uint64_t seed, MatchingOptions::Augmentation mode) {
  if (mode == MatchingOptions::Augmentation::kAllAtOnce) return augment_all_at_once(x, seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 0xD5B);
  const DsaFamily family = draw_dsa_family(rng);
  return dsa_transform(x, family, draw_dsa_params(rng, x.size(2), x.size(3)));
}

Tensor dsa_augment_each(const Tensor& x, std::mt19937_64& rng) {
  const DsaFamily family = draw_dsa_family(rng);
  std::vector<Tensor> out;
  out.reserve(static_cast<std::size_t>(x.size(0)));
  for (std::int64_t i = 0; i < x.size(0); ++i)
    out.push_back(dsa_transform(x.narrow(0, i, 1), family, draw_dsa_params(rng, x.size(2), x.size(3))));
  return torch::cat(out);
}

MatchingConvNet::MatchingConvNet(std::int64_t channels, std::int64_t height, std::int64_t width, const MatchingOptions& o,
                                 std::int64_t classes, std::uint64_t seed, torch::Dtype dt)
    : depth(o.image_depth), norm(o.image_norm) {
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
  auto add = [&](Tensor t, bool is_matched, bool is_conv) {
    p.push_back(std::move(t));
    matched.push_back(is_matched);
    conv.push_back(is_conv);
  };
  const std::int64_t w = o.image_width;
  std::int64_t in = channels, h = height, wd = width;
  for (int d = 0; d < depth; ++d) {
    add(glorot({w, in, 3, 3}, in * 9, w * 9), true, true);
    add(torch::zeros({w}, dt).requires_grad_(true), false, false);
    if (norm) {
      add(torch::ones({w}, dt).requires_grad_(true), false, false);
      add(torch::zeros({w}, dt).requires_grad_(true), false, false);
    }
    in = w;
    h /= 2;
    wd /= 2;
  }
  const std::int64_t features = w * h * wd;
  add(glorot({features, classes}, features, classes), true, false);
  add(torch::zeros({classes}, dt).requires_grad_(true), false, false);
}

Tensor MatchingConvNet::features(const Tensor& x) const {
  Tensor h = x;
  std::size_t k = 0;
  for (int d = 0; d < depth; ++d) {
    h = torch::conv2d(h, p[k], p[k + 1], 1, 1);
    k += 2;
    if (norm) {
      h = torch::group_norm(h, h.size(1), p[k], p[k + 1], 1e-5);
      k += 2;
    }
    h = torch::avg_pool2d(torch::relu(h), 2, 2);
  }
  return h.flatten(1);
}

Tensor MatchingConvNet::logits(const Tensor& x) const {
  return torch::addmm(p[p.size() - 1], features(x), p[p.size() - 2]);
}

MatchingConvNet train_matching_convnet(const search::LabelledBlocks& train, std::int64_t num_classes,
                                       const MatchingOptions& o, const ConvNetTraining& t, std::uint64_t seed) {
  if (train.x.dim() != 4) throw std::logic_error("train_matching_convnet: the samples are not images");
  MatchingConvNet net(train.x.size(1), train.x.size(2), train.x.size(3), o, num_classes, seed, train.x.scalar_type());
  torch::optim::SGD opt(net.p, torch::optim::SGDOptions(t.lr).momentum(0.9).weight_decay(t.weight_decay));
  std::mt19937_64 rng(convnet_order_seed(seed)), augment_rng(convnet_augment_seed(seed));
  const auto n = train.x.size(0);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (int epoch = 0; epoch < t.epochs; ++epoch) {
    if (t.lr_drop && epoch == t.epochs / 2 && epoch > 0)
      for (auto& g : opt.param_groups()) static_cast<torch::optim::SGDOptions&>(g.options()).lr(t.lr * 0.1);
    std::iota(order.begin(), order.end(), std::int64_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    const Tensor perm = torch::tensor(order, torch::kLong);
    for (std::int64_t b = 0; b < n; b += t.batch) {
      const Tensor rows = perm.narrow(0, b, std::min(t.batch, n - b));
      opt.zero_grad();
      Tensor xb = train.x.index_select(0, rows);
      if (t.dsa_augment) xb = dsa_augment_each(xb, augment_rng);
      F::cross_entropy(net.logits(xb), train.y.index_select(0, rows)).backward();
      opt.step();
    }
  }
  for (auto& q : net.p) q = q.detach();
  return net;
}

double convnet_accuracy(const MatchingConvNet& net, const search::LabelledBlocks& test) {
  torch::NoGradGuard ng;
  std::int64_t correct = 0;
  const auto m = test.x.size(0);
  for (std::int64_t b = 0; b < m; b += 1000) {  // in chunks: 10k full-size images at once would hold GBs
    const auto len = std::min<std::int64_t>(1000, m - b);
    correct += net.logits(test.x.narrow(0, b, len)).argmax(1).eq(test.y.narrow(0, b, len)).sum().item<std::int64_t>();
  }
  return m > 0 ? static_cast<double>(correct) / static_cast<double>(m) : 0.0;
}

SyntheticSet image_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                            std::int64_t num_classes, ImageMatching kind, const MatchingOptions& o, std::uint64_t seed) {
  if (real.x.dim() != 4) throw std::logic_error("image_matching: the samples are not images (N×C×H×W)");
  const auto dt = real.x.scalar_type();
  const auto ch = real.x.size(1), h = real.x.size(2), w = real.x.size(3);
  const std::int64_t side = std::int64_t{1} << o.image_depth;
  if (h < side || w < side)
    throw SettingError("images.pool", fmt::format("the matching ConvNet pools {} times by 2: images need at least {}×{} pixels",
                                                  o.image_depth, side, side));
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
  Progress progress(kind == ImageMatching::kDc ? "dc" : kind == ImageMatching::kDsa ? "dsa" : "dm", o.iterations, 30.0);
  for (int it = 0; it < o.iterations; ++it, progress.step()) {
    MatchingConvNet net(ch, h, w, o, num_classes, seed * 7919ULL + static_cast<std::uint64_t>(it) + 1, dt);
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
          rc = siamese_augment(rc, d, o.augmentation);
          sc = siamese_augment(sc, d, o.augmentation);
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
        for (std::size_t k = 0; k < net.p.size(); ++k)  // weights only: DC gives 1-D parameters a distance of 0
          if (net.matched[k]) loss = loss + weight_gradient_distance(gr[k].detach(), gs[k], net.conv[k] != 0);
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
