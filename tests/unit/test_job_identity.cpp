// What identifies a run and a ground truth: the normalised effective configuration (checkpoints)
// and the truth key (cached ground truths). Changing any [search] or [evaluate] setting that the
// ground truth depends on must change the key; the proxy's own settings must not; the same
// settings spelled differently (reordered --set, another output folder) must give the same digest.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "hcdc/run/candidate_evaluation.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/search/search_space.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

constexpr const char* kJob = R"([job]
name = "identity"
seed = 1
output_dir = "out/a"
[dataset]
kind = "csbm"
num_nodes = 300
num_classes = 3
num_val = 20
num_test = 20
[search]
kind = "continuous"
[evaluate]
truth_epochs = 10
proxy_epochs = 10
[condense]
methods = ["random"]
budgets = [0.05]
)";

class JobIdentity : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    file_ = path("job.toml");
    std::ofstream(file_) << kJob;
    dataset_ = path("dataset.bin");  // the key digests the dataset's bytes; any file will do here
    std::ofstream(dataset_) << "some dataset bytes";
  }
  run::JobSpec parse(const std::vector<std::string>& sets = {}) const { return run::parse_job_file(file_, sets); }
  std::string key(const std::vector<std::string>& sets = {}) const {
    auto j = parse(sets);
    return run::truth_key(j, dataset_, search::make_candidates(j.experiment.space));
  }
  std::string file_, dataset_;
};

TEST_F(JobIdentity, EveryTruthSettingChangesTheTruthKey) {
  // Every key of [search] (each kind reads its own) and [evaluate] that the ground truth depends
  // on, with another value.
  const std::vector<std::string> named{"search.kind=\"named\""};
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> groups{
      {{},
       {"search.kind=\"named\"", "search.order=3", "search.basis=\"chebyshev\"", "search.num_candidates=7",
        "search.low=-0.5", "search.high=0.5", "search.seed=5", "search.hidden=16", "search.layers=3",
        "evaluate.truth_epochs=11", "evaluate.truth_lr=0.02", "evaluate.truth_weight_decay=0.001",
        "evaluate.truth_seeds=2", "evaluate.noise_ceiling=false", "evaluate.normalize_features=false"}},
      {named,
       {"search.filters=[\"mlp\"]", "search.widths=[64]", "search.depths=[3]", "search.order=3",
        "search.basis=\"chebyshev\""}},
      // Image cells: the space's keys and [images] (which subset of the file, how pooled).
      {{"search.kind=\"cell\"", "search.family=\"image-cell\""},
       {"search.num_candidates=7", "search.seed=2", "search.cell_nodes=3", "search.widths=[4]",
        "search.cell_ops=[\"identity\", \"conv3x3\"]", "search.image_channels=3", "images.train_per_class=5",
        "images.val_per_class=7", "images.pool=1", "images.seed=3"}}};
  for (const auto& [base_sets, changes] : groups) {
    const std::string base = key(base_sets);
    for (const auto& c : changes) {
      auto sets = base_sets;
      sets.push_back(c);
      EXPECT_NE(key(sets), base) << c << " did not change the truth key";
    }
  }
}

TEST_F(JobIdentity, ANamedSpaceWithOtherWidthsIsAnotherTruth) {
  // The defect this guards against: widths/depths/filters were not part of the key.
  const std::vector<std::string> named{"search.kind=\"named\"", "search.filters=[\"mlp\",\"gcn\"]",
                                       "search.widths=[8,16]", "search.depths=[1]"};
  auto narrower = named;
  narrower.push_back("search.widths=[8]");
  EXPECT_NE(key(named), key(narrower));
}

TEST_F(JobIdentity, ProxySettingsAndOutputsDoNotChangeTheTruthKey) {
  const std::string base = key();
  for (const auto& c : run::kNotTruthKeys) {
    const std::string name = c.substr(c.find('.') + 1);
    const std::string value = name == "proxy_score"                                  ? "\"accuracy\""
                              : name == "proxy_epochs" || name == "batch_candidates" ? "3"
                                                                                     : "0.123";
    EXPECT_EQ(key({c + "=" + value}), base) << c << " changed the truth key: a cached truth would be recomputed";
  }
  EXPECT_EQ(key({"job.output_dir=\"out/b\""}), base);
  // The job seed reaches a ground truth only through the dataset it generates (its bytes are in the
  // key); on a given dataset file the truth trains with seeds 0..truth_seeds-1.
  EXPECT_EQ(key({"job.seed=2"}), base);
}

TEST_F(JobIdentity, ConfigDigestIgnoresOrderAndOutputPathsButNotSettings) {
  const auto a = parse({"hcdc.sval_lr=0.02", "evaluate.proxy_epochs=12"}).config_digest;
  const auto b = parse({"evaluate.proxy_epochs=12", "hcdc.sval_lr=0.02"}).config_digest;
  EXPECT_EQ(a, b) << "reordered --set flags must resume the same run";
  EXPECT_EQ(a, parse({"hcdc.sval_lr=0.02", "evaluate.proxy_epochs=12", "job.output_dir=\"elsewhere\"",
                      "dist.checkpoint_dir=\"ck\"", "dist.keep=5"})
                   .config_digest);
  EXPECT_EQ(a, parse({"hcdc.sval_lr=2e-2", "evaluate.proxy_epochs=12"}).config_digest) << "one spelling per value";
  EXPECT_NE(a, parse({"hcdc.sval_lr=0.03", "evaluate.proxy_epochs=12"}).config_digest);
  EXPECT_NE(a, parse({"hcdc.sval_lr=0.02", "evaluate.proxy_epochs=12", "job.threads=1"}).config_digest);
}

}  // namespace
}  // namespace hcdc::test
