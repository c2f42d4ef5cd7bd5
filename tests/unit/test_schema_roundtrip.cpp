// One write -> validate -> read round trip per schema.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/data/condensed_set.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/data/gaussian_images.hpp"
#include "hcdc/io/checkpoint_file.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/io/schema.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

class RoundTrip : public TempDirTest {};

void expect_standard_attributes(const std::string& path, const std::string& schema) {
  auto f = io::H5File::open_read(path);
  EXPECT_EQ(f.attr_string("schema_name"), schema);
  EXPECT_EQ(f.attr_string("schema_version"), io::schema_by_name(schema).version.str());
  EXPECT_NE(f.attr_string("writer_version").find("hcdc "), std::string::npos);
  EXPECT_TRUE(f.has_attr("git_commit"));
  EXPECT_EQ(f.attr_string("created").size(), 20u);  // 2026-11-27T22:10:10Z
}

TEST_F(RoundTrip, ImageSetFloat) {
  data::GaussianImagesOptions o;
  o.num_images = 300;
  o.channels = 3;
  o.num_val = 50;
  o.num_test = 50;
  auto s = data::generate_gaussian_images(o);
  data::write_image_set(path("img.h5"), s, {5, "cfg", "gen"});
  auto r = data::read_image_set(path("img.h5"));
  EXPECT_EQ(r.pixels_f32, s.pixels_f32);
  EXPECT_EQ(r.labels, s.labels);
  EXPECT_EQ(r.splits.train, s.splits.train);
  EXPECT_EQ(r.splits.val, s.splits.val);
  EXPECT_EQ(r.splits.test, s.splits.test);
  EXPECT_EQ(r.channels, 3);
  expect_standard_attributes(path("img.h5"), io::kImageSetSchema);
  auto f = io::H5File::open_read(path("img.h5"));
  EXPECT_EQ(f.attr_int("seed"), 5);
  EXPECT_EQ(f.attr_string("config"), "cfg");
  EXPECT_TRUE(f.info("images").compressed);
}

TEST_F(RoundTrip, ImageSetUint8WithClassNames) {
  data::ImageSet s;
  s.n = 6;
  s.channels = 1;
  s.height = 2;
  s.width = 2;
  s.num_classes = 2;
  for (int i = 0; i < 24; ++i) s.pixels_u8.push_back(static_cast<std::uint8_t>(i * 10));
  s.labels = {0, 1, 0, 1, 0, 1};
  s.class_names = {"zero", "one"};
  s.splits = {{0, 1}, {2, 3}, {4, 5}};
  data::write_image_set(path("u8.h5"), s, {std::nullopt, "cfg", "test"});
  auto r = data::read_image_set(path("u8.h5"));
  EXPECT_EQ(r.pixels_u8, s.pixels_u8);
  EXPECT_TRUE(r.pixels_f32.empty());
  EXPECT_EQ(r.class_names, s.class_names);
}

TEST_F(RoundTrip, GraphDenseAndSparseFeatures) {
  data::CsbmOptions o;
  o.num_nodes = 300;
  o.num_classes = 3;
  o.num_features = 6;
  o.num_val = 50;
  o.num_test = 100;
  auto g = data::generate_csbm(o);
  data::write_graph(path("g.h5"), g, {1, "cfg", "gen"});
  auto r = data::read_graph(path("g.h5"));
  EXPECT_EQ(r.indptr, g.indptr);
  EXPECT_EQ(r.indices, g.indices);
  EXPECT_EQ(r.features, g.features);
  EXPECT_EQ(r.labels, g.labels);
  EXPECT_EQ(r.splits.val, g.splits.val);
  expect_standard_attributes(path("g.h5"), io::kGraphSchema);

  // The same features in CSR form.
  data::Graph s = g;
  s.features.clear();
  s.feat_indptr.push_back(0);
  for (std::int64_t i = 0; i < g.num_nodes; ++i) {
    for (std::int64_t j = 0; j < g.num_features; ++j)
      if (j % 2 == 0) {
        s.feat_indices.push_back(j);
        s.feat_data.push_back(g.features[i * g.num_features + j]);
      }
    s.feat_indptr.push_back(static_cast<std::int64_t>(s.feat_indices.size()));
  }
  s.weights.assign(g.indices.size(), 0.5f);
  data::write_graph(path("gs.h5"), s, {1, "cfg", "gen"});
  auto rs = data::read_graph(path("gs.h5"));
  EXPECT_TRUE(rs.sparse_features());
  EXPECT_EQ(rs.feat_indptr, s.feat_indptr);
  EXPECT_EQ(rs.feat_indices, s.feat_indices);
  EXPECT_EQ(rs.feat_data, s.feat_data);
  EXPECT_EQ(rs.weights, s.weights);
}

TEST_F(RoundTrip, CondensedSet) {
  data::CondensedSet s;
  s.sample_shape = {3};
  s.x_train = {1, 2, 3, 4, 5, 6};
  s.y_train = {0, 1};
  s.x_val = {7, 8, 9};
  s.y_val = {1};
  s.adjacency = {0, 1, 0, 1, 0, 1, 0, 1, 0};
  s.num_classes = 2;
  s.method = "hcdc";
  s.budget = 3;
  s.seed = 11;
  s.config = "[job]";
  s.source_file = "cora.h5";
  s.source_digest = string_digest("x");
  data::write_condensed_set(path("c.h5"), s);
  auto r = data::read_condensed_set(path("c.h5"));
  EXPECT_EQ(r.sample_shape, s.sample_shape);
  EXPECT_EQ(r.x_train, s.x_train);
  EXPECT_EQ(r.x_val, s.x_val);
  EXPECT_EQ(r.y_val, s.y_val);
  EXPECT_EQ(r.adjacency, s.adjacency);
  EXPECT_EQ(r.method, "hcdc");
  EXPECT_EQ(r.source_digest, s.source_digest);
  expect_standard_attributes(path("c.h5"), io::kCondensedSetSchema);
}

// A condensed set of one S_train and one S_val node written by hand, bypassing the struct's
// checks: S_val rows of `val_cols` entries (S_train's have 3) and, with adjacency_size > 0, an
// adjacency of that many rows and columns.
void write_condensed_by_hand(const std::string& p, std::int64_t val_cols, std::int64_t adjacency_size) {
  io::H5File f = io::H5File::create(p);
  io::stamp_schema(f, io::kCondensedSetSchema);
  std::vector<float> a{1, 2, 3}, b(static_cast<std::size_t>(val_cols), 1.0f),
      adj(static_cast<std::size_t>(adjacency_size * adjacency_size), 0.0f);
  f.write("train/x", {1, 3}, a.data());
  f.write("val/x", {1, val_cols}, b.data());
  f.write("train/y", std::vector<std::int64_t>{0});
  f.write("val/y", std::vector<std::int64_t>{0});
  if (adjacency_size > 0) f.write("adjacency", {adjacency_size, adjacency_size}, adj.data());
  for (const char* k : {"method", "config", "source_file", "source_digest"}) f.set_attr(k, std::string("x"));
  for (const char* k : {"num_classes", "budget", "seed"}) f.set_attr(k, std::int64_t{1});
}

TEST_F(RoundTrip, CondensedSetRejectsMismatchedSampleShapes) {
  write_condensed_by_hand(path("bad.h5"), 4, 0);  // a val set with another row length
  try {
    io::validate_file(path("bad.h5"));
    FAIL() << "expected a trailing-shape error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "val/x");
  }
}

TEST_F(RoundTrip, CondensedSetRejectsAnAdjacencyThatDoesNotSpanBothSets) {
  write_condensed_by_hand(path("bad.h5"), 3, 3);  // 1 + 1 nodes but a 3 × 3 adjacency
  try {
    data::read_condensed_set(path("bad.h5"));
    FAIL() << "expected an adjacency-size error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "adjacency");
    EXPECT_NE(std::string(e.what()).find("S_train ∪ S_val has 2 nodes"), std::string::npos) << e.what();
  }
}

TEST_F(RoundTrip, Results) {
  io::Results r;
  r.seed = 3;
  r.config = "cfg";
  r.rows = {{0, "whole", 0, 0.8, 0.5, 0.79, 1.5}, {1, "hcdc", 0, 0.7, 0.6, 0.75, 0.1}};
  r.candidate_lambda = {{1.0, 0.5}, {0.2, 0.1}};
  r.candidate_name = {"gcn", "sgc-2"};
  io::write_results(path("r.h5"), r);
  auto b = io::read_results(path("r.h5"));
  ASSERT_EQ(b.rows.size(), 2u);
  EXPECT_EQ(b.rows[1].proxy, "hcdc");
  EXPECT_DOUBLE_EQ(b.rows[0].test_score, 0.79);
  EXPECT_EQ(b.candidate_lambda, r.candidate_lambda);
  EXPECT_EQ(b.candidate_name, r.candidate_name);
  expect_standard_attributes(path("r.h5"), io::kResultsSchema);
}

TEST_F(RoundTrip, CheckpointAndDamageDetection) {
  io::Checkpoint c;
  c.step = 42;
  c.seed = 7;
  c.num_ranks = 2;
  c.config = "[job]";
  c.config_digest = string_digest(c.config);
  c.state["s_val"] = {{2, 2}, {1.5, -2, 3, 4}, {}, {}};
  c.state["counters"] = {{3}, {}, {1, 2, 3}, {}};
  c.state["rng/rank0"] = {{4}, {}, {}, {9, 8, 7, 6}};
  io::write_checkpoint(path("ck.h5"), c);
  auto r = io::read_checkpoint(path("ck.h5"));
  EXPECT_EQ(r.step, 42);
  EXPECT_EQ(r.state["s_val"].f64, c.state["s_val"].f64);
  EXPECT_EQ(r.state["counters"].i64, c.state["counters"].i64);
  EXPECT_EQ(r.state["rng/rank0"].u8, c.state["rng/rank0"].u8);

  // Flip bytes of the stored payload (datasets too small to be compressed are stored raw).
  std::string bytes;
  {
    std::ifstream in(path("ck.h5"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  double marker = 1.5;
  auto pos = bytes.find(std::string(reinterpret_cast<const char*>(&marker), sizeof marker));
  ASSERT_NE(pos, std::string::npos);
  bytes[pos + 7] ^= 0x10;
  {
    std::ofstream out(path("ck.h5"), std::ios::binary);
    out << bytes;
  }
  try {
    io::read_checkpoint(path("ck.h5"));
    FAIL() << "damaged checkpoint accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "payload_digest");
  }
}

}  // namespace
}  // namespace hcdc::test
