// Every bad-input case: one InputError naming the file and the field, and no output left behind.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "hcdc/data/csbm.hpp"
#include "hcdc/data/gaussian_images.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

namespace fs = std::filesystem;

class BadInput : public TempDirTest {
 protected:
  data::Graph graph() const {
    data::CsbmOptions o;
    o.num_nodes = 200;
    o.num_classes = 3;
    o.num_features = 4;
    o.num_val = 30;
    o.num_test = 50;
    return data::generate_csbm(o);
  }
  // Writes `g` without validation, as a buggy or foreign writer would.
  std::string write_raw(const data::Graph& g, const std::string& name = "bad.h5",
                        const std::string& version = "") {
    std::string p = path(name);
    io::H5File f = io::H5File::create(p);
    io::stamp_schema(f, io::kGraphSchema);
    if (!version.empty()) f.set_attr("schema_version", version);
    data::fill_graph(f, g, {0, "cfg", "test"});
    return p;
  }
  // The writer must refuse `g` and leave the directory as it was.
  void expect_write_refused(const data::Graph& g, const std::string& field) {
    std::size_t before = file_count();
    expect_input_error([&] { data::write_graph(path("out.h5"), g, {0, "cfg", "t"}); }, field, "refusing");
    EXPECT_FALSE(fs::exists(path("out.h5")));
    EXPECT_EQ(file_count(), before) << "a temporary file was left behind";
  }
};

TEST_F(BadInput, MissingFile) {
  expect_input_error([&] { io::validate_file(path("nope.h5")); }, "", "does not exist");
}

TEST_F(BadInput, NotAnHdf5File) {
  std::ofstream(path("text.h5")) << "hello, not HDF5\n";
  expect_input_error([&] { io::validate_file(path("text.h5")); }, "", "not an HDF5 file");
}

TEST_F(BadInput, TruncatedFile) {
  std::string p = write_raw(graph(), "good.h5");
  auto size = fs::file_size(p);
  fs::resize_file(p, size / 2);
  try {
    io::validate_file(p);
    FAIL() << "truncated file accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), p);
  }
}

TEST_F(BadInput, CorruptDataBlocks) {
  std::string p = write_raw(graph(), "good.h5");
  {  // Overwrite the second half with garbage: the compressed chunks become undecodable.
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    auto size = static_cast<std::streamoff>(fs::file_size(p));
    f.seekp(size / 2);
    for (std::streamoff i = size / 2; i < size - 64; ++i) f.put(static_cast<char>(i * 7919 % 251));
  }
  EXPECT_THROW(io::validate_file(p), InputError);
}

TEST_F(BadInput, WrongSchemaName) {
  {
    io::H5File f = io::H5File::create(path("foreign.h5"));
    f.set_attr("schema_name", std::string("someone.else"));
    f.set_attr("schema_version", std::string("1.0"));
  }
  expect_input_error([&] { io::validate_file(path("foreign.h5")); }, "schema_name", "unknown schema 'someone.else'");
}

TEST_F(BadInput, FileWithoutSchemaAttributes) {
  { io::H5File f = io::H5File::create(path("plain.h5")); }
  expect_input_error([&] { io::validate_file(path("plain.h5")); }, "schema_name", "not an hcdc file");
}

TEST_F(BadInput, UnknownMajorVersion) {
  std::string p = write_raw(graph(), "v2.h5", "2.0");
  expect_input_error([&] { io::validate_file(p); }, "schema_version", "version 2.0 is not readable");
  std::string q = write_raw(graph(), "v1x.h5", "1.7");  // a newer minor version is readable
  EXPECT_NO_THROW(io::validate_file(q));
  std::string r = write_raw(graph(), "vbad.h5", "one");
  expect_input_error([&] { io::validate_file(r); }, "schema_version", "MAJOR.MINOR");
}

TEST_F(BadInput, FeaturesLabelsLengthMismatch) {
  auto g = graph();
  g.labels.pop_back();
  expect_input_error([&] { io::validate_file(write_raw(g)); }, "labels", "length mismatch");
  expect_write_refused(g, "labels");
}

TEST_F(BadInput, LabelsOutOfRange) {
  auto g = graph();
  g.labels[17] = 3;
  expect_input_error([&] { io::validate_file(write_raw(g)); }, "labels", "value 3 at index 17 outside [0, 3)");
  expect_write_refused(g, "labels");
}

TEST_F(BadInput, NonFiniteFeatures) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    auto g = graph();
    g.features[9] = bad;
    expect_input_error([&] { io::validate_file(write_raw(g)); }, "features", "non-finite value");
    expect_write_refused(g, "features");
  }
}

TEST_F(BadInput, NonFiniteImages) {
  data::GaussianImagesOptions o;
  o.num_images = 100;
  o.num_val = 10;
  o.num_test = 10;
  auto s = data::generate_gaussian_images(o);
  s.pixels_f32[5] = std::numeric_limits<float>::quiet_NaN();
  std::size_t before = file_count();
  expect_input_error([&] { data::write_image_set(path("img.h5"), s, {0, "c", "t"}); }, "images", "non-finite");
  EXPECT_EQ(file_count(), before);
}

TEST_F(BadInput, SplitIndexOutOfRange) {
  auto g = graph();
  g.splits.test.back() = g.num_nodes;
  expect_input_error([&] { io::validate_file(write_raw(g)); }, "splits/test", "outside [0, 200)");
  expect_write_refused(g, "splits/test");
}

TEST_F(BadInput, OverlappingSplits) {
  auto g = graph();
  g.splits.val.push_back(g.splits.train.front());
  std::sort(g.splits.val.begin(), g.splits.val.end());
  expect_input_error([&] { io::validate_file(write_raw(g)); }, "splits/val", "splits overlap");
  expect_write_refused(g, "splits/val");
}

TEST_F(BadInput, DuplicateSplitIndex) {
  auto g = graph();
  g.splits.train.push_back(g.splits.train.front());
  expect_input_error([&] { io::validate_file(write_raw(g)); }, "splits/train", "appears twice");
}

TEST_F(BadInput, BrokenCsr) {
  auto g = graph();
  g.indices[3] = g.num_nodes + 5;
  expect_input_error([&] { io::validate_file(write_raw(g)); }, "adjacency/indices", "outside [0, 200)");
  auto h = graph();
  std::swap(h.indptr[10], h.indptr[11]);
  if (h.indptr[10] != h.indptr[11])
    expect_input_error([&] { io::validate_file(write_raw(h, "h.h5")); }, "adjacency/indptr", "decreases");
}

TEST_F(BadInput, WrongDtype) {
  auto g = graph();
  std::string p = path("dtype.h5");
  io::H5File f = io::H5File::create(p);
  io::stamp_schema(f, io::kGraphSchema);
  f.set_attr("num_nodes", g.num_nodes);
  f.set_attr("num_features", g.num_features);
  f.set_attr("num_classes", g.num_classes);
  f.write("adjacency/indptr", g.indptr);
  f.write("adjacency/indices", g.indices);
  f.write("features", {g.num_nodes, g.num_features}, g.features.data());
  std::vector<float> flabels(g.labels.begin(), g.labels.end());
  f.write("labels", flabels);
  f.write("splits/train", g.splits.train);
  f.write("splits/val", g.splits.val);
  f.write("splits/test", g.splits.test);
  f = io::H5File::open_read(path("dtype.h5"));
  expect_input_error([&] { io::validate_file(p); }, "labels", "dtype float32 not allowed");
}

TEST_F(BadInput, MissingRequiredDataset) {
  auto g = graph();
  std::string p = path("nosplit.h5");
  {
    io::H5File f = io::H5File::create(p);
    io::stamp_schema(f, io::kGraphSchema);
    f.set_attr("num_nodes", g.num_nodes);
    f.set_attr("num_features", g.num_features);
    f.set_attr("num_classes", g.num_classes);
    f.write("adjacency/indptr", g.indptr);
    f.write("adjacency/indices", g.indices);
    f.write("features", {g.num_nodes, g.num_features}, g.features.data());
    f.write("labels", g.labels);
    f.write("splits/train", g.splits.train);
    f.write("splits/test", g.splits.test);
  }
  expect_input_error([&] { io::validate_file(p); }, "splits/val", "required dataset missing");
}

TEST_F(BadInput, OutputDirectoryMissing) {
  expect_input_error([&] { data::write_graph(path("no/such/dir/g.h5"), graph(), {0, "c", "t"}); }, "",
                     "output directory does not exist");
}

}  // namespace
}  // namespace hcdc::test
