// The IDX reader and the Fashion-MNIST importer on small IDX files written by the test.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "hcdc/data/fashion_mnist.hpp"
#include "hcdc/data/idx_file.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

class FashionMnist : public TempDirTest {
 protected:
  // n_train/n_test images of 3×2 pixels; pixel value = 10*image + position, label = image % 10.
  void write_fixture(int n_train, int n_test) {
    auto part = [&](const std::string& prefix, int n, int offset) {
      data::IdxArray img{{n, 3, 2}, {}}, lab{{n}, {}};
      for (int i = 0; i < n; ++i) {
        for (int p = 0; p < 6; ++p) img.data.push_back(static_cast<std::uint8_t>((10 * (i + offset) + p) % 256));
        lab.data.push_back(static_cast<std::uint8_t>((i + offset) % 10));
      }
      data::write_idx_gz(path(prefix + "-images-idx3-ubyte.gz"), img);
      data::write_idx_gz(path(prefix + "-labels-idx1-ubyte.gz"), lab);
    };
    part("train", n_train, 0);
    part("t10k", n_test, n_train);
  }
  data::FashionMnistOptions options(std::int64_t val) const {
    data::FashionMnistOptions o;
    o.src_dir = dir_.string();
    o.val_size = val;
    o.seed = 3;
    return o;
  }
};

TEST_F(FashionMnist, ImportsPixelsLabelsAndSplits) {
  write_fixture(20, 5);
  auto s = data::load_fashion_mnist(options(4));
  EXPECT_EQ(s.n, 25);
  EXPECT_EQ(s.height, 3);
  EXPECT_EQ(s.width, 2);
  EXPECT_EQ(s.channels, 1);
  ASSERT_EQ(s.pixels_u8.size(), 25u * 6);
  for (int i = 0; i < 25; ++i) {
    EXPECT_EQ(s.labels[i], i % 10);
    for (int p = 0; p < 6; ++p) EXPECT_EQ(s.pixels_u8[i * 6 + p], (10 * i + p) % 256) << i << "," << p;
  }
  EXPECT_EQ(s.splits.val.size(), 4u);
  EXPECT_EQ(s.splits.train.size(), 16u);
  EXPECT_EQ(s.splits.test, (std::vector<std::int64_t>{20, 21, 22, 23, 24}));
  for (auto v : s.splits.val) EXPECT_LT(v, 20);  // carved from train only
  // The split is a function of the seed.
  auto again = data::load_fashion_mnist(options(4));
  EXPECT_EQ(again.splits.val, s.splits.val);
  auto other = options(4);
  other.seed = 4;
  EXPECT_NE(data::load_fashion_mnist(other).splits.val, s.splits.val);
}

TEST_F(FashionMnist, WritesAValidFile) {
  write_fixture(20, 5);
  data::write_image_set(path("fm.h5"), data::load_fashion_mnist(options(4)), {3, "cfg", dir_.string()});
  auto r = data::read_image_set(path("fm.h5"));
  EXPECT_EQ(r.class_names.size(), 10u);
  EXPECT_EQ(r.class_names[9], "Ankle boot");
}

TEST_F(FashionMnist, TruncatedIdxFile) {
  write_fixture(20, 5);
  // Re-compress a payload that is 10 bytes short of what the header declares.
  data::IdxArray img = data::read_idx_gz(path("train-images-idx3-ubyte.gz"));
  img.data.resize(img.data.size() - 10);
  data::IdxArray bad{{20, 3, 2}, img.data};
  auto p = path("train-images-idx3-ubyte.gz");
  {
    gzFile gz = gzopen(p.c_str(), "wb");
    unsigned char hdr[16] = {0, 0, 8, 3, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 2};
    gzwrite(gz, hdr, 16);
    gzwrite(gz, bad.data.data(), static_cast<unsigned>(bad.data.size()));
    gzclose(gz);
  }
  expect_input_error([&] { data::load_fashion_mnist(options(4)); }, "data", "truncated: expected 120 bytes, got 110");
}

TEST_F(FashionMnist, CorruptGzipStream) {
  write_fixture(20, 5);
  auto p = path("t10k-labels-idx1-ubyte.gz");
  std::ofstream(p, std::ios::binary) << std::string("\x1f\x8b\x08\x00garbage-garbage-garbage", 27);
  EXPECT_THROW(data::load_fashion_mnist(options(4)), InputError);
}

TEST_F(FashionMnist, WrongMagic) {
  write_fixture(20, 5);
  data::IdxArray a{{5}, {1, 2, 3, 4, 5}};
  auto p = path("t10k-labels-idx1-ubyte.gz");
  gzFile gz = gzopen(p.c_str(), "wb");
  unsigned char hdr[8] = {0, 0, 0x0D, 1, 0, 0, 0, 5};  // 0x0D = float payload
  gzwrite(gz, hdr, 8);
  gzwrite(gz, a.data.data(), 5);
  gzclose(gz);
  expect_input_error([&] { data::load_fashion_mnist(options(4)); }, "magic", "element type 0x0d unsupported");
}

TEST_F(FashionMnist, LabelCountMismatch) {
  write_fixture(20, 5);
  data::write_idx_gz(path("train-labels-idx1-ubyte.gz"), data::IdxArray{{19}, std::vector<std::uint8_t>(19, 1)});
  expect_input_error([&] { data::load_fashion_mnist(options(4)); }, "dims", "19 labels but 20 images");
}

TEST_F(FashionMnist, LabelOutOfRange) {
  write_fixture(20, 5);
  std::vector<std::uint8_t> labels(20, 1);
  labels[6] = 12;
  data::write_idx_gz(path("train-labels-idx1-ubyte.gz"), data::IdxArray{{20}, labels});
  expect_input_error([&] { data::load_fashion_mnist(options(4)); }, "data", "label 12 at index 6 outside [0, 10)");
}

TEST_F(FashionMnist, MissingFolderAndBadValSize) {
  auto o = options(4);
  o.src_dir = path("missing");
  expect_input_error([&] { data::load_fashion_mnist(o); }, "", "does not exist");
  write_fixture(20, 5);
  expect_input_error([&] { data::load_fashion_mnist(options(20)); }, "val_size", "must be in [1, 20)");
}

}  // namespace
}  // namespace hcdc::test
