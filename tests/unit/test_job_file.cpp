// Job files: strict TOML (unknown keys and wrong types name the key) and running one end to end.
#include <gtest/gtest.h>

#include <any>
#include <filesystem>
#include <fstream>

#include "hcdc/data/csbm.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/run/job.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

const data::CsbmOptions& csbm_of(const run::JobSpec& j) {
  return std::any_cast<const data::CsbmOptions&>(j.dataset.recipe.options);
}

class JobFile : public TempDirTest {
 protected:
  std::string job(const std::string& text) {
    std::string p = path("job.toml");
    std::ofstream(p) << text;
    return p;
  }
};

TEST_F(JobFile, ParsesAndAppliesDefaults) {
  auto j = run::parse_job_file(job(R"([job]
name = "t"
seed = 4
[dataset]
kind = "csbm"
num_nodes = 300
num_classes = 3
num_val = 20
num_test = 20
)"));
  EXPECT_EQ(j.name, "t");
  EXPECT_EQ(j.seed, 4u);
  EXPECT_EQ(j.threads, 0);
  EXPECT_EQ(j.output_dir, "results/t");
  EXPECT_EQ(csbm_of(j).num_nodes, 300);
  EXPECT_EQ(csbm_of(j).seed, 4u);
  EXPECT_EQ(csbm_of(j).num_features, 64);  // default
  EXPECT_NE(j.text.find("num_nodes = 300"), std::string::npos);
}

TEST_F(JobFile, CommandLineOverridesReplaceAndAddKeysAndAreRecorded) {
  const std::string text = "[job]\nname = \"t\"\nseed = 4\n[dataset]\nkind = \"csbm\"\nnum_nodes = 300\n";
  auto p = job(text);
  EXPECT_EQ(run::parse_job_file(p).text, text);  // no override: the file verbatim, comments and all
  auto j = run::parse_job_file(p, {"dataset.num_nodes=500", "job.output_dir=/tmp/x", "hcdc.sval_lr=0.5",
                                   "condense.budgets=[0.01, 0.02]", "condense.methods=[\"random\"]"});
  EXPECT_EQ(csbm_of(j).num_nodes, 500);              // replaced
  EXPECT_EQ(j.output_dir, "/tmp/x");                     // a bare string
  EXPECT_DOUBLE_EQ(j.experiment.hcdc.sval_lr, 0.5);      // a table that was missing
  EXPECT_EQ(j.experiment.budgets, (std::vector<double>{0.01, 0.02}));
  EXPECT_TRUE(j.experiment.present);
  // The recorded text is the effective configuration: read back, it gives the same job.
  auto q = job(j.text);
  auto k = run::parse_job_file(q);
  EXPECT_EQ(csbm_of(k).num_nodes, 500);
  EXPECT_EQ(k.output_dir, "/tmp/x");
  EXPECT_EQ(k.experiment.methods, (std::vector<std::string>{"random"}));
  expect_input_error([&] { run::parse_job_file(p, {"dataset.num_nodez=5"}); }, "dataset.num_nodez", "unknown key");
  expect_input_error([&] { run::parse_job_file(p, {"num_nodes"}); }, "--set", "expected section.key=VALUE");
  expect_input_error([&] { run::parse_job_file(p, {"job.seed.x=1"}); }, "--set", "is not a table");
  expect_input_error([&] { run::parse_job_file(p, {"job.seed=\"four\""}); }, "job.seed", "expected an integer");
  EXPECT_EQ(run::parse_job_file(p, {"hcdc.g_t_theta=\"t_train\""}).experiment.hcdc.g_t_theta, condense::GtTheta::kTTrain);
  EXPECT_EQ(k.experiment.hcdc.g_t_theta, condense::GtTheta::kSTrain);  // the default
  expect_input_error([&] { run::parse_job_file(p, {"hcdc.g_t_theta=\"val\""}); }, "hcdc.g_t_theta", "must be one of");
  using Start = condense::HcdcOptions::SvalStart;
  EXPECT_EQ(k.experiment.hcdc.sval_start, Start::kValidation);  // the default
  EXPECT_EQ(run::parse_job_file(p, {"hcdc.sval_start=\"noise\""}).experiment.hcdc.sval_start, Start::kNoise);
  expect_input_error([&] { run::parse_job_file(p, {"hcdc.sval_start=\"real\""}); }, "hcdc.sval_start", "must be one of");
  // Message passing needs S_val's real nodes for its structure.
  expect_input_error([&] { run::parse_job_file(p, {"search.family=\"coupled-filter\"", "hcdc.sval_start=\"noise\""}); },
                     "hcdc.sval_start", "passes messages");
}

TEST_F(JobFile, UnknownKeyIsNamed) {
  auto p = job("[job]\nname = \"t\"\n[dataset]\nkind = \"csbm\"\nnum_nodez = 5\n");
  expect_input_error([&] { run::parse_job_file(p); }, "dataset.num_nodez", "unknown key");
  auto q = job("[job]\nname = \"t\"\n[datasets]\nkind = \"csbm\"\n");
  expect_input_error([&] { run::parse_job_file(q); }, "dataset.kind", "required key missing");
}

TEST_F(JobFile, UnknownTopLevelTable) {
  auto p = job("[job]\nname = \"t\"\n[dataset]\nkind = \"csbm\"\n[extra]\nx = 1\n");
  expect_input_error([&] { run::parse_job_file(p); }, "extra", "unknown key");
}

TEST_F(JobFile, WrongTypeIsNamed) {
  auto p = job("[job]\nname = \"t\"\nseed = \"seven\"\n[dataset]\nkind = \"csbm\"\n");
  expect_input_error([&] { run::parse_job_file(p); }, "job.seed", "expected an integer, got a string");
  auto q = job("[job]\nname = \"t\"\n[dataset]\nkind = \"csbm\"\nhomophily = true\n");
  expect_input_error([&] { run::parse_job_file(q); }, "dataset.homophily", "expected a number, got a boolean");
}

TEST_F(JobFile, BadValuesAndSyntax) {
  auto p = job("[job]\nname = \"t\"\nthreads = -1\n[dataset]\nkind = \"csbm\"\n");
  expect_input_error([&] { run::parse_job_file(p); }, "job.threads", "must be in [0, 1024]");
  auto q = job("[job]\nname = \"t\"\n[dataset]\nkind = \"imagenet\"\n");
  expect_input_error([&] { run::parse_job_file(q); }, "dataset.kind",
                     "unknown dataset kind 'imagenet' (known: fashion-mnist, csbm, gaussian-images, npz, ogb, file");
  auto r = job("[job]\nname = \"t\n");
  expect_input_error([&] { run::parse_job_file(r); }, "line 2 column 10", "");
  expect_input_error([&] { run::parse_job_file(path("none.toml")); }, "", "does not exist");
}

TEST_F(JobFile, RunsEndToEndAndRecordsConfigAndSeed) {
  auto p = job("[job]\nname = \"t\"\nseed = 9\nthreads = 1\noutput_dir = \"" + path("out") +
               "\"\n[dataset]\nkind = \"csbm\"\nnum_nodes = 300\nnum_classes = 3\nnum_val = 20\nnum_test = 20\n");
  auto j = run::parse_job_file(p);
  EXPECT_EQ(run::run_job(j), 0);
  auto g = data::read_graph(path("out/dataset.h5"));
  EXPECT_EQ(g.num_nodes, 300);
  io::H5File f = io::H5File::open_read(path("out/dataset.h5"));
  EXPECT_EQ(f.attr_int("seed"), 9);
  EXPECT_EQ(f.attr_string("config"), j.text);
}

}  // namespace
}  // namespace hcdc::test
