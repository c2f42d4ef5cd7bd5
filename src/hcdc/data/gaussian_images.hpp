#pragma once
#include <cstdint>

#include "hcdc/data/image_set.hpp"

namespace hcdc::data {

// A Gaussian-mixture image set: each class has a smooth random prototype (a sum of a few
// low-frequency sinusoids per channel); samples add i.i.d. Gaussian pixel noise. float32.
struct GaussianImagesOptions {
  std::int64_t num_images = 1200;
  std::int64_t num_classes = 4;
  std::int64_t channels = 1, height = 8, width = 8;
  double noise = 0.5;
  std::int64_t num_val = 200, num_test = 200;
  std::uint64_t seed = 0;
};

ImageSet generate_gaussian_images(const GaussianImagesOptions& o);

}  // namespace hcdc::data
