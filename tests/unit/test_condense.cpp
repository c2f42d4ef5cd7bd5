// Each condensation method on a tiny cSBM graph, and HCDC's objective.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "hcdc/condense/condensed_tensors.hpp"
#include "hcdc/condense/condensers.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/config/in_section.hpp"
#include "hcdc/data/condensed_set.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/rank_metrics.hpp"
#include "test_helpers.hpp"

namespace hcdc::test {
namespace {

class Condense : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    data::CsbmOptions o;
    o.num_nodes = 400;
    o.num_classes = 3;
    o.num_features = 12;
    o.avg_degree = 5;
    o.homophily = 0.85;
    o.feature_signal = 1.0;
    o.train_per_class = 20;
    o.num_val = 120;
    o.num_test = 120;
    o.seed = 9;
    data::write_graph(path("g.h5"), data::generate_csbm(o), {9, "test", "csbm"});
    task = run::load_graph_task(path("g.h5"), "monomial", 2, true);
  }
  condense::CondenseSettings settings(const std::string& method) {
    condense::CondenseSettings s;
    s.method = method;
    s.c_train = 12;
    s.c_val = 6;
    s.seed = 1;
    condense::MatchingOptions m;
    m.iterations = 15;
    m.inner = 3;
    m.feature_lr = 0.01;
    s.sections["matching"] = m;
    s.hcdc.outer_iterations = 2;
    s.hcdc.trajectory_steps = 20;
    s.hcdc.lambda_every = 10;
    search::SearchSpaceSpec sp;
    sp.num_candidates = 4;
    sp.hidden = 8;
    s.hcdc_trajectories = search::make_candidates(sp);
    return s;
  }
  condense::GraphTask task;
};

TEST_F(Condense, EveryMethodHasTheBudgetedSizeClassBalanceAndAValidFile) {
  for (const auto& m : condense::method_names()) {
    if (!condense::methods().at(m).graphs) continue;  // image methods: tests/python/test_report.py
    auto pair = condense::condense(task, settings(m));
    // Like for like: every method spends the same c_train and c_val.
    EXPECT_EQ(pair.s_train.y.numel(), 12) << m;
    EXPECT_EQ(pair.s_val.y.numel(), 6) << m;
    // Every class is represented in S_train ∪ S_val, in proportion (training classes are balanced,
    // S_val follows the validation split's classes).
    auto all = torch::cat({pair.s_train.y, pair.s_val.y});
    for (int c = 0; c < 3; ++c) EXPECT_GE((all == c).sum().item<int>(), 5) << m << " class " << c;
    EXPECT_EQ(pair.s_train.x.sizes(), (std::vector<std::int64_t>{pair.s_train.y.numel(), 3, 12})) << m;
    EXPECT_TRUE(torch::isfinite(pair.s_val.x).all().item<bool>()) << m;
    data::CondensedSet cs = condense::to_condensed_set(pair);
    EXPECT_EQ(cs.sample_shape, (std::vector<std::int64_t>{3, 12}));
    cs.num_classes = 3;
    cs.method = m;
    cs.budget = 12;
    cs.config = "test";
    cs.source_file = path("g.h5");
    cs.source_digest = "x";
    data::write_condensed_set(path(m + ".h5"), cs);
    // Through the file and back: the same tensors (float32 storage of float32 samples: exact).
    auto back = condense::from_condensed_set(data::read_condensed_set(path(m + ".h5")), pair.s_train.x.scalar_type());
    EXPECT_TRUE(torch::equal(back.s_train.x, pair.s_train.x)) << m;
    EXPECT_TRUE(torch::equal(back.s_train.y, pair.s_train.y)) << m;
    EXPECT_TRUE(torch::equal(back.s_val.x, pair.s_val.x)) << m;
    EXPECT_TRUE(torch::equal(back.s_val.y, pair.s_val.y)) << m;
  }
}

TEST_F(Condense, HcdcSvalDoesNotDependOnTheThreadCount) {
  // Trajectories advance and contribute on worker threads (core/workers.hpp); their contributions
  // are reduced in trajectory order, so one and two threads give the same S_val, bit for bit.
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  auto one = condense::condense(task, settings("hcdc"));
  at::set_num_threads(2);
  auto two = condense::condense(task, settings("hcdc"));
  EXPECT_EQ(at::get_num_threads(), 2) << "the thread count is restored";
  at::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one.s_val.x, two.s_val.x));
  EXPECT_FALSE(torch::equal(one.s_val.x, condense::condense(task, [&] {
                                           auto s = settings("hcdc");
                                           s.hcdc.outer_iterations = 1;
                                           return s;
                                         }()).s_val.x))
      << "S_val must move with more outer iterations, or the comparison shows nothing";
}

TEST_F(Condense, HcdcGtFromMinibatchesIsAlgorithm1WithEveryRowAndASeededEstimateWithFewer) {
  auto full = condense::condense(task, settings("hcdc"));
  auto every = settings("hcdc");
  every.hcdc.g_t_train_rows = every.hcdc.g_t_val_rows = 1000000;  // more rows than the splits hold
  EXPECT_TRUE(torch::equal(full.s_val.x, condense::condense(task, every).s_val.x))
      << "a minibatch of every row is the whole split: Algorithm 1 bit for bit";
  auto few = settings("hcdc");
  few.hcdc.g_t_train_rows = 25;
  few.hcdc.g_t_val_rows = 40;
  auto a = condense::condense(task, few), b = condense::condense(task, few);
  EXPECT_TRUE(torch::equal(a.s_val.x, b.s_val.x)) << "the minibatches follow the run's seed";
  EXPECT_FALSE(torch::equal(a.s_val.x, full.s_val.x)) << "25 of 60 training rows must change g_T";
  EXPECT_TRUE(torch::isfinite(a.s_val.x).all().item<bool>());
  EXPECT_EQ(a.solves, full.solves);
}

TEST_F(Condense, MatchingLossesDecrease) {
  auto per_class = std::vector<std::int64_t>{4, 4, 4};
  condense::MatchingOptions o;
  o.iterations = 60;
  o.inner = 1;
  o.feature_lr = 0.05;
  o.gcond_x_graph = condense::MatchingOptions::GcondXGraph::kIdentity;  // a loss every iteration
  auto dm = condense::distribution_matching(task.train, per_class, 3, o, 2);
  double first = std::accumulate(dm.loss_history.begin(), dm.loss_history.begin() + 10, 0.0);
  double last = std::accumulate(dm.loss_history.end() - 10, dm.loss_history.end(), 0.0);
  EXPECT_LT(last, first) << "distribution matching did not lower its loss";
  auto gm = condense::gradient_matching(task.train, per_class, 3, false, o, 2);
  first = std::accumulate(gm.loss_history.begin(), gm.loss_history.begin() + 10, 0.0);
  last = std::accumulate(gm.loss_history.end() - 10, gm.loss_history.end(), 0.0);
  EXPECT_LT(last, first) << "gradient matching did not lower its loss";
}

TEST_F(Condense, GcondScheduleStepsTheAdjacencyOrTheFeaturesAsConfigured) {
  // GCond's alternation: iteration i steps the adjacency MLP when i mod adjacency_every <
  // adjacency_steps, the features otherwise. The features start at real rows (initial_rows).
  const std::vector<std::int64_t> per_class{3, 2, 2};
  auto [rows, y] = condense::initial_rows(task.train, per_class, 5);
  const auto start = task.train.x.select(1, 0).index_select(0, rows);
  condense::MatchingOptions o;
  o.inner = 2;
  o.model_steps = 3;
  o.feature_lr = 0.05;
  o.adjacency_lr = 0.05;
  o.adjacency_every = 3;
  o.adjacency_steps = 2;
  o.iterations = 2;  // iterations 0, 1: adjacency turns only
  auto adj_only = condense::gradient_matching(task.train, per_class, 3, true, o, 5);
  EXPECT_TRUE(torch::equal(adj_only.x, start)) << "the features moved on adjacency turns";
  EXPECT_TRUE(torch::equal(adj_only.y, y));
  o.iterations = 3;  // iteration 2 is a feature turn
  auto with_features = condense::gradient_matching(task.train, per_class, 3, true, o, 5);
  EXPECT_FALSE(torch::equal(with_features.x, start));
  o.iterations = 2;
  o.adjacency_every = 1;  // every iteration an adjacency turn, but GCond-X on the identity has none
  o.adjacency_steps = 1;
  o.gcond_x_graph = condense::MatchingOptions::GcondXGraph::kIdentity;
  auto x_only = condense::gradient_matching(task.train, per_class, 3, false, o, 5);
  EXPECT_FALSE(torch::equal(x_only.x, start));
  // Class weights n_c / max n_c change the loss (classes of 3, 2, 2 synthetic nodes).
  auto plain = condense::gradient_matching(task.train, per_class, 3, false, o, 5);
  o.class_weights = true;
  auto weighted = condense::gradient_matching(task.train, per_class, 3, false, o, 5);
  EXPECT_TRUE(torch::equal(plain.x, x_only.x));  // seeded: the same run twice
  EXPECT_NE(plain.loss_history.front(), weighted.loss_history.front());
}

TEST_F(Condense, GcondXOnTheUntrainedGeneratorIsGcondWithAZeroAdjacencyRate) {
  // GCond's code runs GCond-X as GCond with `--lr_adj 0`: the oracle is our GCond with
  // adjacency_lr = 0, whose features must come out bitwise the same, while the condensed graph has
  // no edges (blocks = the features) and the iterations of the adjacency turns leave no history.
  const std::vector<std::int64_t> per_class{3, 2, 2};
  condense::MatchingOptions o;
  o.iterations = 7;
  o.inner = 2;
  o.model_steps = 2;
  o.feature_lr = 0.05;
  o.adjacency_lr = 0.0;
  o.adjacency_every = 3;  // iterations 0, 3, 6 are adjacency turns
  o.adjacency_steps = 1;
  o.class_weights = true;
  auto gcond = condense::gradient_matching(task.train, per_class, 3, true, o, 5);
  EXPECT_EQ(o.gcond_x_graph, condense::MatchingOptions::GcondXGraph::kUntrainedGenerator);  // the default
  auto gx = condense::gradient_matching(task.train, per_class, 3, false, o, 5);
  EXPECT_TRUE(torch::equal(gx.x, gcond.x));
  EXPECT_TRUE(torch::equal(gx.y, gcond.y));
  EXPECT_FALSE(gx.adjacency.defined());
  for (std::int64_t k = 0; k < gx.blocks.size(1); ++k) EXPECT_TRUE(torch::equal(gx.blocks.select(1, k), gx.x)) << k;
  ASSERT_EQ(gcond.loss_history.size(), 7u);
  EXPECT_EQ(gx.loss_history, (std::vector<double>{gcond.loss_history[1], gcond.loss_history[2], gcond.loss_history[4],
                                                  gcond.loss_history[5]}));
  // The generator's graph changed what the features learned: matching on the identity differs.
  o.gcond_x_graph = condense::MatchingOptions::GcondXGraph::kIdentity;
  auto identity = condense::gradient_matching(task.train, per_class, 3, false, o, 5);
  EXPECT_FALSE(torch::allclose(identity.x, gx.x));
  EXPECT_EQ(identity.loss_history.size(), 7u);
}

TEST_F(Condense, HcdcLowersTheAlignmentLossAndRaisesRankingOverItsRandomStart) {
  // A planted space: low-pass vs high-pass vs graph-blind filters on a homophilous graph.
  search::SearchSpaceSpec sp;
  sp.num_candidates = 16;
  sp.hidden = 8;
  sp.seed = 3;
  auto cands = search::make_candidates(sp);
  search::TrainSettings ts{100, 0.02, 5e-4};
  std::vector<double> truth;
  for (auto& c : cands) truth.push_back(search::train_and_score(c, task.train, task.val, nullptr, 3, 0, ts).val_score);

  auto s = settings("hcdc");
  s.c_val = 9;
  s.hcdc_trajectories = cands;
  s.hcdc.outer_iterations = 6;
  s.hcdc.trajectory_steps = 40;
  s.hcdc.lambda_every = 10;
  s.hcdc.sval_lr = 0.05;
  s.hcdc.sval_start = condense::HcdcOptions::SvalStart::kNoise;  // Algorithm 1's random start
  auto before_settings = s;
  before_settings.hcdc.outer_iterations = 1;
  before_settings.hcdc.sval_lr = 1e-12;  // effectively the random initialisation
  auto start = condense::condense(task, before_settings);
  auto learned = condense::condense(task, s);
  auto rho = [&](const condense::CondensedPair& p) {
    std::vector<double> proxy;
    for (auto& c : cands) proxy.push_back(-search::train_and_score(c, p.s_train, p.s_val, nullptr, 3, 0, ts).val_loss);
    return search::spearman_rho(proxy, truth);
  };
  double r0 = rho(start), r1 = rho(learned);
  std::cout << "ρ random S_val " << r0 << " → HCDC " << r1 << "\n";
  EXPECT_GT(r1, r0);
  const auto& h = learned.history;
  ASSERT_GE(h.size(), 8u);
  double first = (h[0] + h[1] + h[2] + h[3]) / 4, last = (h[h.size() - 1] + h[h.size() - 2] + h[h.size() - 3] + h[h.size() - 4]) / 4;
  std::cout << "alignment loss " << first << " → " << last << "\n";
  EXPECT_LT(last, first);
}

TEST_F(Condense, TrajectoryThetaFollowsAnIndependentTrainingOnSTrain) {
  // λ held fixed (η_λ = 0): a trajectory's θ after one outer iteration must be T_θ Adam steps on
  // S_train's loss (with its ½·wd·‖θ‖²) from the trajectory's own θ_0, computed here by the plain
  // inner trainer, whatever form the learner's θ step takes (the lean one for this family).
  auto s = settings("hcdc");
  s.hcdc.lambda_lr = 0;
  s.hcdc.outer_iterations = 1;
  s.hcdc.weight_decay = 5e-3;  // so the step's own weight-decay term is checked too
  condense::HcdcStart start = condense::prepare_hcdc(task, s);
  condense::HcdcLearner l(start.data, s.hcdc_trajectories, {0, 1}, start.s_val_init, s.hcdc, s.seed,
                          dist::local_reducer());
  std::vector<torch::Tensor> theta0;
  for (std::size_t k = 0; k < 2; ++k) theta0.push_back(l.trajectory_theta(k).clone());
  for (int t = 0; t < s.hcdc.trajectory_steps - 1; ++t) l.step();  // stop before the restart
  const auto& st = start.data.s_train;
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& c = s.hcdc_trajectories[k];
    auto model = search::make_model(c, st.x.size(2), task.num_classes);
    ASSERT_TRUE(model->batchable()) << "this test is meant to check the lean θ step";
    models::ClassificationProblem ps(model, {{st.x, nullptr}, {}, st.y}, {{st.x, nullptr}, {}, st.y},
                                     s.hcdc.weight_decay);
    auto lambda = torch::tensor(c.lambda, torch::kDouble).to(st.x.scalar_type());
    auto expect = hypergrad::train_theta(ps, theta0[k], lambda, {"adam", s.hcdc.theta_lr, 0, s.hcdc.trajectory_steps - 1});
    EXPECT_TRUE(torch::allclose(l.trajectory_theta(k), expect, 1e-6, 1e-6))
        << "trajectory " << k << ": largest difference " << (l.trajectory_theta(k) - expect).abs().max().item<double>();
    EXPECT_FALSE(torch::allclose(l.trajectory_theta(k), theta0[k], 1e-3, 1e-3)) << "θ should have moved";
  }
}

TEST_F(Condense, GtAtThetaTrainedOnTFollowsAnIndependentTrainingOnT) {
  // λ held fixed (η_λ = 0): θ_T after one outer iteration must be T_θ Adam steps on T's train
  // loss from the trajectory's own θ_0, computed here by the plain inner trainer.
  auto s = settings("hcdc");
  s.hcdc.g_t_theta = condense::GtTheta::kTTrain;
  s.hcdc.lambda_lr = 0;
  s.hcdc.outer_iterations = 1;
  condense::HcdcStart start = condense::prepare_hcdc(task, s);
  condense::HcdcLearner l(start.data, s.hcdc_trajectories, {0, 1}, start.s_val_init, s.hcdc, s.seed,
                          dist::local_reducer());
  std::vector<torch::Tensor> theta0;
  for (std::size_t k = 0; k < 2; ++k) {
    theta0.push_back(l.trajectory_theta(k, true).clone());
    EXPECT_TRUE(torch::equal(theta0.back(), l.trajectory_theta(k)));  // θ_T starts at the trajectory's θ_0
  }
  for (int t = 0; t < s.hcdc.trajectory_steps - 1; ++t) l.step();  // stop before the restart
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& c = s.hcdc_trajectories[k];
    auto model = search::make_model(c, task.train.x.size(2), task.num_classes);
    models::ClassificationProblem pt(model, {{task.train.x, nullptr}, {}, task.train.y},
                                     {{task.val.x, nullptr}, {}, task.val.y}, s.hcdc.weight_decay);
    auto lambda = torch::tensor(c.lambda, torch::kDouble).to(task.train.x.scalar_type());
    auto expect = hypergrad::train_theta(pt, theta0[k], lambda,
                                         {"adam", s.hcdc.theta_lr, 0, s.hcdc.trajectory_steps - 1});
    // float32, and the trajectory steps with fused_step: a few units in the last place from
    // LibTorch's Adam per step (test_fused_adam.cpp), so agreement to 1e-6, not bit for bit.
    EXPECT_TRUE(torch::allclose(l.trajectory_theta(k, true), expect, 1e-6, 1e-6))
        << "trajectory " << k << ": largest difference " << (l.trajectory_theta(k, true) - expect).abs().max().item<double>();
    EXPECT_FALSE(torch::allclose(l.trajectory_theta(k, true), l.trajectory_theta(k), 1e-3, 1e-3))
        << "θ_T should differ from the S_train θ";
  }
  EXPECT_THROW(l.trajectory_theta(5), std::out_of_range);
}

TEST_F(Condense, GtOnTTrainChangesSValAndSurvivesACheckpointRoundTrip) {
  auto s = settings("hcdc");
  s.hcdc.g_t_theta = condense::GtTheta::kTTrain;
  condense::HcdcStart start = condense::prepare_hcdc(task, s);
  std::vector<std::int64_t> owned{0, 1, 2, 3};
  auto make = [&] {
    return condense::HcdcLearner(start.data, s.hcdc_trajectories, owned, start.s_val_init, s.hcdc, s.seed,
                                 dist::local_reducer());
  };
  condense::HcdcLearner straight = make();
  while (straight.step()) {
  }
  // Stop mid-trajectory, serialise, restore into a fresh learner and finish.
  condense::HcdcLearner first = make();
  for (int t = 0; t < 15; ++t) first.step();
  std::vector<std::string> blobs;
  for (std::size_t k = 0; k < owned.size(); ++k) blobs.push_back(first.serialize_trajectory(k));
  condense::HcdcLearner resumed = make();
  resumed.restore(first.s_val().detach(), first.serialize_sval_optimizer(), first.outer(), first.t(),
                  first.alignment_history(), first.skipped_solves());
  for (std::size_t k = 0; k < owned.size(); ++k) resumed.restore_trajectory(k, blobs[k]);
  while (resumed.step()) {
  }
  EXPECT_TRUE(torch::equal(resumed.s_val(), straight.s_val()));
  // The default (g_T at the S_train θ) learns a different S_val from the same start.
  auto d = s;
  d.hcdc.g_t_theta = condense::GtTheta::kSTrain;
  condense::HcdcLearner other(start.data, s.hcdc_trajectories, owned, start.s_val_init, d.hcdc, s.seed,
                              dist::local_reducer());
  while (other.step()) {
  }
  EXPECT_FALSE(torch::allclose(other.s_val(), straight.s_val()));
  // A blob with θ_T does not restore into a learner without one.
  EXPECT_THROW(other.restore_trajectory(0, blobs[0]), std::logic_error);
}

// Which original rows each condensed row is (brute force over the pool), or -1.
std::vector<std::int64_t> rows_in(const torch::Tensor& rows, const torch::Tensor& pool) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 0; i < rows.size(0); ++i) {
    std::int64_t found = -1;
    for (std::int64_t j = 0; j < pool.size(0) && found < 0; ++j)
      if (torch::equal(rows[i], pool[j])) found = j;
    out.push_back(found);
  }
  return out;
}

TEST_F(Condense, CoresetsTakeSTrainFromTrainingAndSValFromValidationNodes) {
  for (const std::string m : {"random", "kcenter", "herding"}) {
    auto pair = condense::condense(task, settings(m));
    auto tr = rows_in(pair.s_train.x, task.train.x), va = rows_in(pair.s_val.x, task.val.x);
    for (auto r : tr) EXPECT_GE(r, 0) << m << ": an S_train row is not a training node";
    for (auto r : va) EXPECT_GE(r, 0) << m << ": an S_val row is not a validation node";
    std::sort(tr.begin(), tr.end());
    std::sort(va.begin(), va.end());
    EXPECT_EQ(std::unique(tr.begin(), tr.end()), tr.end()) << m << ": repeated training node";
    EXPECT_EQ(std::unique(va.begin(), va.end()), va.end()) << m << ": repeated validation node";
    // Labels travel with their rows.
    auto back = rows_in(pair.s_val.x, task.val.x);
    for (std::size_t i = 0; i < back.size(); ++i)
      EXPECT_EQ(pair.s_val.y[static_cast<std::int64_t>(i)].item<std::int64_t>(),
                task.val.y[back[i]].item<std::int64_t>());
  }
}

TEST_F(Condense, HcdcStartsFromTheSTrainMethodsOwnPairOrFromNoise) {
  // The default start (sval_start = validation): exactly the pair HCDC's S_train method hands in.
  auto s = settings("hcdc");
  s.hcdc_train_method = "herding";
  const auto start = condense::prepare_hcdc(task, s);
  const auto herding = condense::condense(task, settings("herding"));
  EXPECT_TRUE(torch::equal(start.s_val_init, herding.s_val.x));
  EXPECT_TRUE(torch::equal(start.data.s_val_y, herding.s_val.y));
  EXPECT_TRUE(torch::equal(start.data.s_train.x, herding.s_train.x));
  // ... and learns away from it.
  EXPECT_FALSE(torch::allclose(condense::condense(task, s).s_val.x, herding.s_val.x));
  // sval_start = noise: no S_val row is a validation node's.
  auto n = settings("hcdc");
  n.hcdc.sval_start = condense::HcdcOptions::SvalStart::kNoise;
  for (auto r : rows_in(condense::prepare_hcdc(task, n).s_val_init, task.val.x)) EXPECT_LT(r, 0);
  // Noise labels need no distinct nodes; a real start does: 150 from 120 validation nodes.
  n.c_val = 150;
  EXPECT_EQ(condense::infeasibility(task, n), "");
  s.c_val = 150;
  EXPECT_NE(condense::infeasibility(task, s), "");
}

TEST_F(Condense, PaperRatioSplitsOneTrainingSampleByTheOriginalRatio) {
  auto s = settings("random");
  s.split = condense::BaselineSplit::kPaperRatio;
  auto pair = condense::condense(task, s);
  // 18 training nodes split 60:120 (the original train:val sizes): round(18 · 120/180) = 12 for S_val.
  EXPECT_EQ(pair.s_val.y.numel(), 12);
  EXPECT_EQ(pair.s_train.y.numel(), 6);
  for (auto r : rows_in(torch::cat({pair.s_train.x, pair.s_val.x}), task.train.x)) EXPECT_GE(r, 0);
  EXPECT_EQ(condense::parse_baseline_split("paper-ratio"), condense::BaselineSplit::kPaperRatio);
  EXPECT_THROW(condense::parse_baseline_split("half"), UnknownName);
}

TEST_F(Condense, BadSettingsAreNamed) {
  auto s = settings("random");
  s.c_train = 63;  // 21 per class from 20 training nodes per class
  expect_input_error([&] { config::in_section("job.toml", "condense", [&] { condense::condense(task, s); }); },
                     "condense.budgets", "which has only 20");
  auto t = settings("bogus");
  // The library knows names, not job keys: the error lists the registered methods.
  try {
    condense::condense(task, t);
    ADD_FAILURE() << "an unknown method was accepted";
  } catch (const UnknownName& e) {
    EXPECT_NE(std::string(e.what()).find("unknown condensation method 'bogus' (known: random, kcenter, herding, gcond-x, "
                                         "gcond, dm, dc, dsa, hcdc"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace hcdc::test
