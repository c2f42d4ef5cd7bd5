#pragma once
#include <cstdint>
#include <string>

#include "hcdc/data/image_set.hpp"

namespace hcdc::data {

inline constexpr const char* kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct FashionMnistOptions {
  std::string src_dir = kDefaultFashionMnistDir;
  std::int64_t val_size = 5000;  // carved from the 60000 training images
  std::uint64_t seed = 0;
};

// Reads the four IDX .gz files (train-/t10k- images and labels). Samples 0..59999 are the
// original training set (minus the carved validation set), 60000..69999 the test set.
ImageSet load_fashion_mnist(const FashionMnistOptions& o);

}  // namespace hcdc::data
