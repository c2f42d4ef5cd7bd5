// `hcdc hpo` and `hcdc hypergrad` end to end on small generated data, and their bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/run/hpo_command.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

class HpoCommands : public TempDirTest {
 protected:
  std::string job(const std::string& body) {
    std::string p = path("job.toml");
    std::ofstream(p) << "[job]\nname = \"t\"\nseed = 3\nthreads = 1\noutput_dir = \"" << path("out") << "\"\n"
                     << "[dataset]\nkind = \"csbm\"\nnum_nodes = 300\nnum_classes = 3\nnum_features = 8\n"
                     << "num_val = 60\nnum_test = 60\ntrain_per_class = 20\n"
                     << body;
    return p;
  }
};

TEST_F(HpoCommands, HypergradWritesEverySolverAndTheyAgree) {
  auto p = job(R"([model]
family = "linear"
per_class_lambda = true
weight_decay = 0.0
dtype = "float64"
[train]
lr = 0.05
steps = 1500
[solver]
neumann_terms = 400
neumann_alpha = 1.0
[hypergrad]
solvers = ["exact", "cg", "neumann"]
)");
  ASSERT_EQ(run::run_hypergrad(run::parse_job_file(p)), 0);
  std::string out = path("out/hypergrad.h5");
  auto report = io::validate_file(out);
  EXPECT_EQ(report.schema_name, io::kHypergradSchema);
  auto f = io::H5File::open_read(out);
  EXPECT_EQ(f.read_strings("solvers/status"), (std::vector<std::string>{"ok", "ok", "ok"}));
  auto g = f.read<double>("solvers/hypergradient");  // 3 × 3
  ASSERT_EQ(g.size(), 9u);
  double norm = 0;
  for (int j = 0; j < 3; ++j) norm += g[j] * g[j];
  ASSERT_GT(norm, 0);
  for (int s = 1; s < 3; ++s)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(g[s * 3 + j], g[j], 1e-6 * std::sqrt(norm)) << s << "," << j;
  EXPECT_LT(f.attr_double("train_grad_norm"), 1e-6);
  EXPECT_EQ(f.attr_int("seed"), 3);
}

TEST_F(HpoCommands, HpoWritesATraceThatImprovesTheValidationLoss) {
  auto p = job(R"([model]
family = "graph-filter"
order = 2
hidden = 8
lambda = [1.0, 0.0, 0.0]
[train]
lr = 0.02
steps = 240
[solver]
neumann_terms = 10
neumann_alpha = 0.05
[hpo]
lambda_every = 20
lambda_lr = 0.1
max_lambda_step = 0.1
warmup = 40
)");
  ASSERT_EQ(run::run_hpo(run::parse_job_file(p)), 0);
  std::string out = path("out/hpo.h5");
  EXPECT_EQ(io::validate_file(out).schema_name, io::kHpoTraceSchema);
  auto f = io::H5File::open_read(out);
  auto steps = f.read<std::int64_t>("trace/step");
  EXPECT_EQ(steps.size(), 10u);  // (240 − 40) / 20
  EXPECT_EQ(steps.front(), 60);
  auto lam = f.read<double>("trace/lambda");
  EXPECT_GT(lam[lam.size() - 2] + lam[lam.size() - 1], 0.1) << "HPO did not move toward propagation";
  auto vl = f.read<double>("trace/val_loss");
  EXPECT_LT(vl.back(), vl.front());
}

TEST_F(HpoCommands, NonFiniteLambdaIsRefused) {
  auto p = job("[model]\nfamily = \"linear\"\nlambda = [nan]\n");
  expect_input_error([&] { run::parse_job_file(p); }, "model.lambda[0]", "must be finite");
}

TEST_F(HpoCommands, SolverSettingOutOfRangeIsNamed) {
  auto p = job("[model]\nfamily = \"linear\"\n[solver]\nneumann_alpha = 0.0\n");
  expect_input_error([&] { run::parse_job_file(p); }, "solver.neumann_alpha", "must be finite and > 0");
  auto q = job("[model]\nfamily = \"linear\"\n[solver]\nkind = \"lu\"\n");
  expect_input_error([&] { run::parse_job_file(q); }, "solver.kind", "unknown solver 'lu'");
  auto r = job("[model]\nfamily = \"linear\"\n[hypergrad]\nsolvers = [\"exact\", \"qr\"]\n");
  expect_input_error([&] { run::parse_job_file(r); }, "hypergrad.solvers[1]", "unknown solver 'qr'");
}

TEST_F(HpoCommands, ModelDatasetMismatchIsNamedAndNothingIsWritten) {
  std::string p = path("img.toml");
  std::ofstream(p) << "[job]\nname = \"t\"\noutput_dir = \"" << path("out") << "\"\n"
                   << "[dataset]\nkind = \"gaussian-images\"\nnum_images = 100\nnum_val = 10\nnum_test = 10\n"
                   << "[model]\nfamily = \"graph-filter\"\n";
  expect_input_error([&] { run::run_hpo(run::parse_job_file(p)); }, "model.family", "is an image set");
  EXPECT_FALSE(std::filesystem::exists(path("out/hpo.h5")));
  auto q = job("[model]\nfamily = \"linear\"\nlambda = [1.0, 2.0]\n");
  expect_input_error([&] { run::run_hypergrad(run::parse_job_file(q)); }, "model.lambda",
                     "has 2 values, the model has 1 hyperparameters");
  EXPECT_FALSE(std::filesystem::exists(path("out/hypergrad.h5")));
}

}  // namespace
}  // namespace hcdc::test
