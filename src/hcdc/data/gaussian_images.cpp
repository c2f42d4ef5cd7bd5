#include "hcdc/data/gaussian_images.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "hcdc/core/error.hpp"

namespace hcdc::data {

ImageSet generate_gaussian_images(const GaussianImagesOptions& o) {
  auto bad = [](const char* field, const char* what) { throw InputError("gaussian-images", field, what); };
  if (o.num_classes < 2) bad("num_classes", "must be >= 2");
  if (o.channels < 1 || o.height < 1 || o.width < 1) bad("shape", "channels, height and width must be >= 1");
  if (!(o.noise >= 0) || !std::isfinite(o.noise)) bad("noise", "must be finite and >= 0");
  if (o.num_val < 1 || o.num_test < 1 || o.num_val + o.num_test >= o.num_images)
    bad("num_images", "must exceed num_val + num_test (both >= 1)");

  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> phase(0.0, 2 * M_PI);
  const std::int64_t pix = o.channels * o.height * o.width;
  std::vector<double> proto(static_cast<std::size_t>(o.num_classes * pix), 0.0);
  for (std::int64_t c = 0; c < o.num_classes; ++c)
    for (std::int64_t ch = 0; ch < o.channels; ++ch)
      for (int wave = 0; wave < 3; ++wave) {
        double fy = 1 + wave, fx = 1 + (wave * 2 + c) % 3, ph = phase(rng), amp = gauss(rng);
        for (std::int64_t y = 0; y < o.height; ++y)
          for (std::int64_t x = 0; x < o.width; ++x)
            proto[((c * o.channels + ch) * o.height + y) * o.width + x] +=
                amp * std::sin(M_PI * (fy * y / o.height + fx * x / o.width) + ph);
      }

  ImageSet s;
  s.n = o.num_images;
  s.channels = o.channels;
  s.height = o.height;
  s.width = o.width;
  s.num_classes = o.num_classes;
  s.labels.resize(static_cast<std::size_t>(s.n));
  for (std::int64_t i = 0; i < s.n; ++i) s.labels[i] = i % o.num_classes;
  std::shuffle(s.labels.begin(), s.labels.end(), rng);
  s.pixels_f32.resize(static_cast<std::size_t>(s.n * pix));
  for (std::int64_t i = 0; i < s.n; ++i)
    for (std::int64_t p = 0; p < pix; ++p)
      s.pixels_f32[i * pix + p] = static_cast<float>(proto[s.labels[i] * pix + p] + o.noise * gauss(rng));

  std::vector<std::int64_t> order(static_cast<std::size_t>(s.n));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  s.splits.val.assign(order.begin(), order.begin() + o.num_val);
  s.splits.test.assign(order.begin() + o.num_val, order.begin() + o.num_val + o.num_test);
  s.splits.train.assign(order.begin() + o.num_val + o.num_test, order.end());
  for (auto* v : {&s.splits.train, &s.splits.val, &s.splits.test}) std::sort(v->begin(), v->end());
  return s;
}

}  // namespace hcdc::data
