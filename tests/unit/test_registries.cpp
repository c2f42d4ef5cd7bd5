// Registries: a model family and a condensation method added from this one file (nothing else
// edited) run through the whole experiment, appear in the reference and in errors; unknown names
// are errors that list the known ones.
#include <gtest/gtest.h>

#include <any>
#include <fstream>

#include "hcdc/condense/method.hpp"
#include "hcdc/core/registry.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/run/reference.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

// A test-only candidate family: one linear layer on the λ-mixed blocks, logits = (Σ_k λ_k X_k) W + b.
class MixedLinear : public models::ModelFamily {
 public:
  MixedLinear(std::int64_t blocks, std::int64_t features, std::int64_t classes) : blocks_(blocks) {
    w_ = layout_.add(features, classes);
    b_ = layout_.add(classes, 0);
  }
  std::string name() const override { return "test-mixed-linear"; }
  std::int64_t num_theta() const override { return layout_.size(); }
  std::int64_t num_lambda() const override { return blocks_; }
  torch::Tensor init_theta(std::uint64_t seed, torch::Dtype dtype) const override { return layout_.glorot(seed, dtype); }
  torch::Tensor default_lambda(torch::Dtype dtype) const override {
    return torch::full({blocks_}, 1.0 / static_cast<double>(blocks_), torch::TensorOptions().dtype(dtype));
  }
  torch::Tensor logits(const torch::Tensor& theta, const torch::Tensor& lambda,
                       const models::ModelInput& in) const override {
    auto mixed = torch::einsum("nkf,k->nf", {in.x, lambda.to(in.x.scalar_type())});
    return mixed.mm(layout_.view(theta, w_)) + layout_.view(theta, b_);
  }

 private:
  std::int64_t blocks_;
  models::ParameterLayout layout_;
  std::int64_t w_ = 0, b_ = 0;
};

HCDC_REGISTER(search::candidate_families(), "test-mixed-linear", 1000,
              search::CandidateFamily{"test only: one linear layer on the λ-mixed blocks", "filter blocks × features",
                                      [](std::int64_t blocks, std::int64_t features) {
                                        return std::vector<std::int64_t>{blocks, features};
                                      },
                                      [](const search::Candidate& c, std::int64_t features, std::int64_t classes) {
                                        return std::make_shared<MixedLinear>(
                                            static_cast<std::int64_t>(c.lambda.size()), features, classes);
                                      }});

// A test-only method with its own section: the nodes of each class in the pool's order, after
// skipping the first `[test_first_nodes] skip` of them.
struct FirstNodesOptions {
  std::int64_t skip = 0;
};

condense::CondensationMethod first_nodes() {
  condense::CondensationMethod m;
  m.help = "test only: the first training nodes of each class";
  m.coreset = true;
  m.section = "test_first_nodes";
  m.parse_options = [](config::StrictTable& t) {
    FirstNodesOptions o;
    o.skip = t.get<std::int64_t>("skip", o.skip);
    if (o.skip < 0) t.fail("skip", "must be >= 0");
    return std::any(o);
  };
  m.select = [](const condense::GraphTask& task, const std::vector<std::int64_t>& per_class,
                const condense::CondenseSettings& s) {
    const auto o = condense::section_options<FirstNodesOptions>(s, "test_first_nodes");
    auto y = task.train.y.contiguous();
    std::vector<std::int64_t> rows, seen(per_class.size(), 0), taken(per_class.size(), 0);
    for (std::int64_t i = 0; i < y.numel(); ++i) {
      auto c = static_cast<std::size_t>(y[i].item<std::int64_t>());
      if (seen[c]++ < o.skip) continue;
      if (taken[c] < per_class[c]) {
        rows.push_back(i);
        ++taken[c];
      }
    }
    return condense::Selection{condense::pick_rows(task.train, rows), torch::Tensor()};
  };
  return m;
}

HCDC_REGISTER(condense::methods(), "test-first-nodes", 1000, first_nodes());

class Registries : public TempDirTest {
 protected:
  std::string job(const std::string& extra) {
    std::string p = path("job.toml");
    std::ofstream(p) << "[job]\nname = \"reg\"\nthreads = 1\noutput_dir = \"" + path("out") + "\"\n" +
                            R"([dataset]
kind = "csbm"
num_nodes = 240
num_classes = 3
num_features = 8
avg_degree = 5
train_per_class = 20
num_val = 40
num_test = 40
[evaluate]
truth_seeds = 1
noise_ceiling = false
truth_epochs = 30
proxy_epochs = 30
[hcdc]
trajectories = 2
outer_iterations = 1
trajectory_steps = 10
lambda_every = 5
max_diverged_share = 1.0
)" + extra;
    return p;
  }
};

TEST(Registry, DuplicatesAndUnknownNames) {
  Registry<int> r("widget");
  r.add("b", 2, 20);
  r.add("a", 1, 10);
  r.add("c", 1, 30);
  EXPECT_EQ(r.names(), (std::vector<std::string>{"a", "c", "b"}));  // by order, then name
  EXPECT_EQ(r.at("c"), 30);
  EXPECT_THROW(r.add("a", 5, 0), std::logic_error);
  try {
    r.at("d");
    ADD_FAILURE() << "unknown name accepted";
  } catch (const UnknownName& e) {
    EXPECT_STREQ(e.what(), "unknown widget 'd' (known: a, c, b)");
  }
}

TEST_F(Registries, UnknownNamesInAJobListTheKnownOnes) {
  expect_input_error([&] { run::parse_job_file(job("[condense]\nmethods = [\"random\", \"bogus\"]\n")); },
                     "condense.methods[1]", "unknown condensation method 'bogus' (known: random, kcenter");
  expect_input_error([&] { run::parse_job_file(job("[search]\nfamily = \"gat\"\n")); }, "search.family",
                     "unknown candidate model family 'gat' (known: decoupled-filter, coupled-filter, conv-supernet, image-cell, test-mixed-linear)");
  expect_input_error([&] { run::parse_job_file(job("[search]\nkind = \"grid\"\n")); }, "search.kind",
                     "unknown search space kind 'grid' (known: continuous, named, cell)");
  expect_input_error([&] { run::parse_job_file(job("[model]\nfamily = \"gat\"\n")); }, "model.family",
                     "unknown model family 'gat' (known: linear, graph-filter, named-filter, supernet)");
  // A registered method's own section is read (and checked) like any other.
  expect_input_error([&] { run::parse_job_file(job("[test_first_nodes]\nskip = -1\n")); }, "test_first_nodes.skip",
                     "must be >= 0");
  expect_input_error([&] { run::parse_job_file(job("[test_first_nodes]\nskp = 1\n")); }, "test_first_nodes.skp",
                     "unknown key");
}

TEST_F(Registries, TheReferenceListsEveryRegisteredNameWithItsKeys) {
  const std::string ref = run::job_reference();
  for (const char* s : {"| `test-first-nodes` | test only", "`[test_first_nodes]`: `skip` (0)",
                        "| `gcond` |", "`[matching]`: `iterations` (100)", "| `test-mixed-linear` | test only",
                        "| `csbm` | contextual stochastic block model graph (seeded) | `preset` (\"\"), `num_nodes` (2000)",
                        "| `continuous` |", "`num_candidates` (80)", "| `supernet` |", "`weighting` (\"softmax\")",
                        "| `condense.budgets` | array of floats | `[0.009, 0.018, 0.036]` |",
                        "| `job.name` | string | `required` |"})
    EXPECT_NE(ref.find(s), std::string::npos) << s << "\n" << ref;
  EXPECT_EQ(ref.rfind(run::kReferenceBegin, 0), 0u);
}

// The test-only family and method, named in a job, go through the ground truth, condensation
// (the method alone, and as HCDC's S_train with HCDC's trajectories in the new family) and the
// proxy search: adding them edited this file and nothing else.
TEST_F(Registries, ATestOnlyFamilyAndMethodRunTheWholeExperiment) {
  auto p = job(R"([search]
family = "test-mixed-linear"
num_candidates = 6
[condense]
methods = ["test-first-nodes", "hcdc"]
hcdc_train_method = "test-first-nodes"
budgets = [0.05]
val_fraction = 0.5
seeds = [0]
[test_first_nodes]
skip = 2
)");
  ASSERT_EQ(run::run_job(run::parse_job_file(p)), 0);
  auto summary = run::read_summary(path("out/results.h5"));
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].method, "test-first-nodes");
  EXPECT_EQ(summary[1].method, "hcdc");
  EXPECT_GT(summary[1].solves, 0);
  auto results = io::read_results(path("out/results.h5"));
  std::size_t proxy_rows = 0;
  for (const auto& r : results.rows)
    if (r.proxy != "whole" && r.proxy != "whole-noise") ++proxy_rows;
  EXPECT_EQ(proxy_rows, 12u);  // 6 candidates × 2 runs
}

}  // namespace
}  // namespace hcdc::test
