#include "hcdc/data/fashion_mnist.hpp"

#include <fmt/format.h>

#include <numeric>

#include "hcdc/core/error.hpp"
#include "hcdc/data/idx_file.hpp"

namespace hcdc::data {
namespace {

struct Part {
  IdxArray images, labels;
};

Part load_part(const std::string& dir, const std::string& prefix) {
  std::string ip = fmt::format("{}/{}-images-idx3-ubyte.gz", dir, prefix);
  std::string lp = fmt::format("{}/{}-labels-idx1-ubyte.gz", dir, prefix);
  Part p{read_idx_gz(ip), read_idx_gz(lp)};
  if (p.images.dims.size() != 3) throw InputError(ip, "dims", "image file must have 3 dimensions (N, H, W)");
  if (p.labels.dims.size() != 1) throw InputError(lp, "dims", "label file must have 1 dimension");
  if (p.images.dims[0] != p.labels.dims[0])
    throw InputError(lp, "dims", fmt::format("{} labels but {} images in {}", p.labels.dims[0], p.images.dims[0], ip));
  for (std::size_t i = 0; i < p.labels.data.size(); ++i)
    if (p.labels.data[i] > 9) throw InputError(lp, "data", fmt::format("label {} at index {} outside [0, 10)", p.labels.data[i], i));
  return p;
}

}  // namespace

ImageSet load_fashion_mnist(const FashionMnistOptions& o) {
  Part train = load_part(o.src_dir, "train");
  Part test = load_part(o.src_dir, "t10k");
  if (train.images.dims[1] != test.images.dims[1] || train.images.dims[2] != test.images.dims[2])
    throw InputError(o.src_dir, "dims", "train and test images differ in size");
  ImageSet s;
  std::int64_t n_train = train.images.dims[0], n_test = test.images.dims[0];
  s.n = n_train + n_test;
  s.channels = 1;
  s.height = train.images.dims[1];
  s.width = train.images.dims[2];
  s.num_classes = 10;
  s.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  s.pixels_u8 = std::move(train.images.data);
  s.pixels_u8.insert(s.pixels_u8.end(), test.images.data.begin(), test.images.data.end());
  s.labels.assign(train.labels.data.begin(), train.labels.data.end());
  s.labels.insert(s.labels.end(), test.labels.data.begin(), test.labels.data.end());
  s.splits.train.resize(static_cast<std::size_t>(n_train));
  std::iota(s.splits.train.begin(), s.splits.train.end(), 0);
  s.splits.test.resize(static_cast<std::size_t>(n_test));
  std::iota(s.splits.test.begin(), s.splits.test.end(), n_train);
  carve_validation(s.splits, o.val_size, o.seed, o.src_dir.c_str());
  return s;
}

}  // namespace hcdc::data
