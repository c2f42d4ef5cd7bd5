#include "hcdc/run/experiment_spec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>

#include "hcdc/condense/method.hpp"
#include "hcdc/config/registry_choice.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/dist/nccl_communicator.hpp"
#include "hcdc/hypergrad/solvers.hpp"
#include "hcdc/run/solver_spec.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::run {
namespace {

void parse_train_settings(config::StrictTable& t, const std::string& prefix, search::TrainSettings& s) {
  s.epochs = static_cast<int>(t.get<std::int64_t>(prefix + "epochs", s.epochs));
  s.lr = t.get<double>(prefix + "lr", s.lr);
  s.weight_decay = t.get<double>(prefix + "weight_decay", s.weight_decay);
  if (s.epochs < 1) t.fail(prefix + "epochs", "must be >= 1");
  if (!(s.lr > 0)) t.fail(prefix + "lr", "must be > 0");
  if (!(s.weight_decay >= 0)) t.fail(prefix + "weight_decay", "must be >= 0");
}

// [evaluate] truth_fanouts / truth_batch_size: neighbour-sampled ground truth (TrainSettings::fanouts),
// one fan-out per layer of every candidate, for message-passing families only; truth_batch_size also
// sets the minibatch of image ground truths (TrainSettings::batch_size).
void parse_sampling(config::StrictTable& t, const search::SearchSpaceSpec& space, search::TrainSettings& s) {
  const auto fanouts = t.get<std::vector<double>>("truth_fanouts", {});
  s.batch_size = t.get<std::int64_t>("truth_batch_size", s.batch_size);
  if (s.batch_size < 1) t.fail("truth_batch_size", "must be >= 1");
  s.fanouts.clear();
  for (std::size_t i = 0; i < fanouts.size(); ++i) {
    const double f = fanouts[i];
    if (f != std::floor(f) || !(f >= 1 || f == -1) || f > 1e9)
      t.fail(fmt::format("truth_fanouts[{}]", i), "must be a whole number >= 1, or -1 for every neighbour");
    s.fanouts.push_back(static_cast<int>(f));
  }
  if (s.fanouts.empty()) return;
  if (!search::is_message_passing(space.family))
    t.fail("truth_fanouts", fmt::format("search.family = \"{}\" trains on precomputed feature blocks; neighbour sampling "
                                        "is for the message-passing families (coupled-filter, conv-supernet)",
                                        space.family));
  std::vector<double> depths = space.kind == "named" ? space.depths : std::vector<double>{static_cast<double>(space.layers)};
  for (double d : depths)
    if (static_cast<double>(s.fanouts.size()) != d)
      t.fail("truth_fanouts",
             fmt::format("has {} entries but the candidates have {} layers: one fan-out per layer{}", s.fanouts.size(), d,
                         depths.size() > 1 ? " (a space of several depths cannot share one list)" : ""));
}

}  // namespace

std::pair<std::int64_t, std::int64_t> budget_sizes(const ExperimentSpec& e, double budget, std::int64_t num_nodes) {
  const auto c_train = std::max<std::int64_t>(1, std::llround(budget * static_cast<double>(num_nodes)));
  const auto c_val = std::max<std::int64_t>(1, std::llround(e.val_fraction * static_cast<double>(c_train)));
  return {c_train, c_val};
}

condense::CondenseSettings condense_settings(const ExperimentSpec& e, const std::string& method, double budget,
                                             std::int64_t num_nodes, std::int64_t seed,
                                             std::vector<search::Candidate> trajectories) {
  condense::CondenseSettings cs;
  std::tie(cs.c_train, cs.c_val) = budget_sizes(e, budget, num_nodes);
  cs.method = method;
  cs.split = e.baseline_split;
  cs.seed = static_cast<std::uint64_t>(seed);
  cs.hcdc_train_method = e.hcdc_train_method;
  cs.message_passing = search::is_message_passing(e.space.family);
  cs.sections = e.method_sections;
  cs.hcdc = e.hcdc;
  cs.hcdc_trajectories = std::move(trajectories);
  return cs;
}

void check_methods_fit_family(const ExperimentSpec& e, const std::vector<std::string>& methods, const std::string& file,
                              const std::string& field, bool in_experiment) {
  if (!search::is_message_passing(e.space.family)) return;
  std::vector<std::string> cannot;
  for (const auto& m : methods) {
    const bool hcdc = condense::methods().at(m).learns_validation;
    const bool graph_learner = condense::methods().at(m).synthesises_graphs;
    const bool fits = hcdc ? in_experiment && condense::is_coreset(e.hcdc_train_method)
                           : (condense::is_coreset(m) || graph_learner) &&
                                 e.baseline_split == condense::BaselineSplit::kEqual;
    if (!fits) cannot.push_back(m);
  }
  if (!cannot.empty())
    throw InputError(file, field,
                     fmt::format("search.family = \"{}\" trains every candidate on the condensed set's own graph; "
                                 "coresets (random, kcenter, herding: the subgraph their nodes induce) and GCond / "
                                 "GCond-X (their synthetic graph) give one with condense.baseline_split = \"equal\", "
                                 "and HCDC in `hcdc run` with a coreset as condense.hcdc_train_method (S_val learned "
                                 "on its starting nodes' structure); not: {}",
                                 e.space.family, fmt::join(cannot, ", ")));
}

void check_diverged_share(const ExperimentSpec& e, const std::string& file, const std::string& run, int solves,
                          int skipped) {
  if (solves <= 0 || skipped <= 0) return;
  const double share = static_cast<double>(skipped) / static_cast<double>(solves);
  if (share > e.max_diverged_share)
    throw InputError(file, "hcdc.max_diverged_share",
                     fmt::format("{}: {} of {} hypergradient solves ({:.0f}%) diverged and were skipped, more than the "
                                 "allowed {:.0f}%, so its S_val is not trustworthy; lower hcdc.neumann_alpha (α·λ_max(H) "
                                 "must stay below 2; 0.1 works on the shipped jobs) or raise the threshold",
                                 run, skipped, solves, 100 * share, 100 * e.max_diverged_share));
}

std::vector<search::Candidate> trajectory_subset(const ExperimentSpec& e, std::vector<search::Candidate> cands,
                                                 std::uint64_t job_seed) {
  std::mt19937_64 rng(job_seed + 31);
  std::shuffle(cands.begin(), cands.end(), rng);
  cands.resize(std::min<std::size_t>(cands.size(), static_cast<std::size_t>(e.hcdc_trajectories)));
  return cands;
}

ExperimentSpec parse_experiment(config::StrictTable& top) {
  ExperimentSpec e;
  e.present = top.has("condense");
  e.space = search::parse_search_space(top.table("search"));

  auto ev = top.table("evaluate");
  parse_train_settings(ev, "truth_", e.evaluate.truth);
  parse_train_settings(ev, "proxy_", e.evaluate.proxy);
  e.evaluate.truth_seeds = static_cast<int>(ev.get<std::int64_t>("truth_seeds", e.evaluate.truth_seeds));
  if (e.evaluate.truth_seeds < 1) ev.fail("truth_seeds", "must be >= 1");
  e.evaluate.noise_ceiling = ev.get<bool>("noise_ceiling", e.evaluate.noise_ceiling);
  e.evaluate.proxy_score = ev.get<std::string>("proxy_score", e.evaluate.proxy_score);
  if (e.evaluate.proxy_score != "loss" && e.evaluate.proxy_score != "accuracy")
    ev.fail("proxy_score", "must be loss or accuracy");
  const std::string metric = ev.get<std::string>("metric", search::score_metric_name(e.evaluate.truth.metric));
  if (std::find(search::score_metric_names().begin(), search::score_metric_names().end(), metric) ==
      search::score_metric_names().end())
    ev.fail("metric", fmt::format("must be one of {}", fmt::join(search::score_metric_names(), ", ")));
  e.evaluate.truth.metric = e.evaluate.proxy.metric = search::parse_score_metric(metric);
  e.evaluate.normalize_features = ev.get<bool>("normalize_features", e.evaluate.normalize_features);
  parse_sampling(ev, e.space, e.evaluate.truth);
  e.evaluate.batch_candidates = ev.get<std::int64_t>("batch_candidates", e.evaluate.batch_candidates);
  if (e.evaluate.batch_candidates < 0) ev.fail("batch_candidates", "must be >= 0 (0: automatic, 1: one at a time)");
  ev.finish();

  auto c = top.table("condense");
  // By default every method that condenses this space's kind of data.
  std::vector<std::string> fitting;
  const bool images = search::is_image_family(e.space.family);
  for (const auto& m : condense::method_names())
    if (images ? condense::methods().at(m).images : condense::methods().at(m).graphs) fitting.push_back(m);
  e.methods = c.get<std::vector<std::string>>("methods", fitting);
  for (std::size_t i = 0; i < e.methods.size(); ++i)
    config::choose(c, fmt::format("methods[{}]", i), e.methods[i], condense::methods());
  e.budgets = c.get<std::vector<double>>("budgets", {0.009, 0.018, 0.036});
  for (std::size_t i = 0; i < e.budgets.size(); ++i)
    if (!(e.budgets[i] > 0 && e.budgets[i] < 1)) c.fail(fmt::format("budgets[{}]", i), "must be a fraction in (0, 1)");
  e.val_fraction = c.get<double>("val_fraction", e.val_fraction);
  if (!(e.val_fraction > 0)) c.fail("val_fraction", "must be > 0");
  const auto split = c.get<std::string>("baseline_split", "equal");
  const auto& splits = condense::baseline_split_names();
  if (std::find(splits.begin(), splits.end(), split) == splits.end())
    c.fail("baseline_split", fmt::format("must be one of {}", fmt::join(splits, ", ")));
  e.baseline_split = condense::parse_baseline_split(split);
  std::vector<double> seeds = c.get<std::vector<double>>("seeds", {0, 1, 2});
  e.seeds.clear();
  for (double s : seeds) {
    if (s < 0 || s != std::floor(s)) c.fail("seeds", "must be non-negative integers");
    e.seeds.push_back(static_cast<std::int64_t>(s));
  }
  e.hcdc_train_method = c.get<std::string>("hcdc_train_method", e.hcdc_train_method);
  const auto standard = condense::standard_methods();
  if (std::find(standard.begin(), standard.end(), e.hcdc_train_method) == standard.end())
    c.fail("hcdc_train_method", fmt::format("must be a method that selects S_train by itself ({})", fmt::join(standard, ", ")));
  c.finish();

  // The methods' own sections ([matching], and any a registered method names).
  e.method_sections = condense::parse_method_sections(top);

  auto h = top.table("hcdc");
  auto& ho = e.hcdc;
  e.hcdc_trajectories = static_cast<int>(h.get<std::int64_t>("trajectories", e.hcdc_trajectories));
  e.max_diverged_share = h.get<double>("max_diverged_share", e.max_diverged_share);
  if (!(e.max_diverged_share >= 0 && e.max_diverged_share <= 1)) h.fail("max_diverged_share", "must be in [0, 1]");
  ho.outer_iterations = static_cast<int>(h.get<std::int64_t>("outer_iterations", ho.outer_iterations));
  ho.trajectory_steps = static_cast<int>(h.get<std::int64_t>("trajectory_steps", ho.trajectory_steps));
  ho.lambda_every = static_cast<int>(h.get<std::int64_t>("lambda_every", ho.lambda_every));
  ho.lambda_lr = h.get<double>("lambda_lr", ho.lambda_lr);
  ho.max_lambda_step = h.get<double>("max_lambda_step", ho.max_lambda_step);
  ho.sval_lr = h.get<double>("sval_lr", ho.sval_lr);
  ho.theta_lr = h.get<double>("theta_lr", ho.theta_lr);
  ho.weight_decay = h.get<double>("weight_decay", ho.weight_decay);
  const auto gt = h.get<std::string>("g_t_theta", "s_train");
  if (gt != "s_train" && gt != "t_train") h.fail("g_t_theta", "must be one of s_train, t_train");
  ho.g_t_theta = gt == "t_train" ? condense::GtTheta::kTTrain : condense::GtTheta::kSTrain;
  ho.g_t_train_rows = h.get<std::int64_t>("g_t_train_rows", ho.g_t_train_rows);
  ho.g_t_val_rows = h.get<std::int64_t>("g_t_val_rows", ho.g_t_val_rows);
  if (ho.g_t_train_rows < 0) h.fail("g_t_train_rows", "must be >= 0 (0: every training row)");
  if (ho.g_t_val_rows < 0) h.fail("g_t_val_rows", "must be >= 0 (0: every validation row)");
  const auto sampling = h.get<std::string>("architecture_sampling", "mixture");
  if (sampling != "mixture" && sampling != "gdas") h.fail("architecture_sampling", "must be one of mixture, gdas");
  if (sampling == "gdas" && !search::is_image_family(e.space.family))
    h.fail("architecture_sampling",
           fmt::format("gdas samples image cells; search.family {} has no architecture choices to sample", e.space.family));
  ho.architecture_sampling = sampling == "gdas" ? condense::HcdcOptions::ArchitectureSampling::kGdas
                                                : condense::HcdcOptions::ArchitectureSampling::kMixture;
  ho.gdas_temperature = h.get<double>("gdas_temperature", ho.gdas_temperature);
  if (!(ho.gdas_temperature > 0 && std::isfinite(ho.gdas_temperature))) h.fail("gdas_temperature", "must be > 0");
  ho.gdas_start_logit = h.get<double>("gdas_start_logit", ho.gdas_start_logit);
  if (!std::isfinite(ho.gdas_start_logit)) h.fail("gdas_start_logit", "must be a finite number");
  const auto start = h.get<std::string>("sval_start", "validation");
  using Start = condense::HcdcOptions::SvalStart;
  if (start == "noise") ho.sval_start = Start::kNoise;
  else if (start == "validation") ho.sval_start = Start::kValidation;
  else h.fail("sval_start", "must be one of validation, noise");
  if (ho.sval_start == Start::kNoise && search::is_message_passing(e.space.family))
    h.fail("sval_start", fmt::format("search.family {} passes messages over S_val's real validation nodes: "
                                     "'validation', not 'noise'", e.space.family));
  ho.solver = condense::kHcdcSolverDefaults;
  parse_solver_keys(h, "solver", ho.solver);
  if (e.hcdc_trajectories < 1) h.fail("trajectories", "must be >= 1");
  if (ho.outer_iterations < 1 || ho.trajectory_steps < 1 || ho.lambda_every < 1)
    h.fail("outer_iterations", "outer_iterations, trajectory_steps and lambda_every must be >= 1");
  if (!(ho.sval_lr > 0)) h.fail("sval_lr", "must be > 0");
  h.finish();

  auto im = top.table("images");
  auto per_class = [&](const char* key, std::int64_t& v) {
    v = im.get<std::int64_t>(key, v);
    if (v < 0) im.fail(key, "must be >= 0 (0: every image of the split)");
  };
  per_class("train_per_class", e.images.train_per_class);
  per_class("val_per_class", e.images.val_per_class);
  per_class("test_per_class", e.images.test_per_class);
  e.images.pool = static_cast<int>(im.get<std::int64_t>("pool", e.images.pool));
  if (e.images.pool < 1 || e.images.pool > 8) im.fail("pool", "must be in [1, 8] (1: full resolution)");
  e.images.seed = static_cast<std::uint64_t>(im.get<std::int64_t>("seed", 0));
  im.finish();

  auto tr = top.table("transfer");
  auto& to = e.transfer;
  to.epochs = static_cast<int>(tr.get<std::int64_t>("epochs", to.epochs));
  to.lr = tr.get<double>("lr", to.lr);
  to.weight_decay = tr.get<double>("weight_decay", to.weight_decay);
  to.dropout = tr.get<double>("dropout", to.dropout);
  to.lr_drop = tr.get<bool>("lr_drop", to.lr_drop);
  to.runs = static_cast<int>(tr.get<std::int64_t>("runs", to.runs));
  const auto network = tr.get<std::string>("network", "candidates");
  if (network != "candidates" && network != "matching-convnet")
    tr.fail("network", "must be one of candidates, matching-convnet");
  if (network == "matching-convnet" && !search::is_image_family(e.space.family))
    tr.fail("network", fmt::format("matching-convnet is DC's image network; search.family {} is not an image family",
                                   e.space.family));
  to.network = network == "matching-convnet" ? search::TransferSettings::Network::kMatchingConvNet
                                             : search::TransferSettings::Network::kCandidates;
  const auto augment = tr.get<std::string>("augment", "none");
  if (augment != "none" && augment != "dsa") tr.fail("augment", "must be one of none, dsa");
  if (augment == "dsa" && to.network != search::TransferSettings::Network::kMatchingConvNet)
    tr.fail("augment", "dsa augments the images of network = \"matching-convnet\" only");
  to.dsa_augment = augment == "dsa";
  to.batch_size = tr.get<std::int64_t>("batch_size", to.batch_size);
  if (to.batch_size < 1) tr.fail("batch_size", "must be >= 1");
  if (to.epochs < 1) tr.fail("epochs", "must be >= 1");
  if (!(to.lr > 0)) tr.fail("lr", "must be > 0");
  if (!(to.weight_decay >= 0)) tr.fail("weight_decay", "must be >= 0");
  if (!(to.dropout >= 0 && to.dropout < 1)) tr.fail("dropout", "must be in [0, 1)");
  if (to.runs < 1) tr.fail("runs", "must be >= 1");
  tr.finish();

  auto d = top.table("dist");
  e.dist.backend = d.get<std::string>("backend", e.dist.backend);
  if (e.dist.backend != "mpi" && e.dist.backend != "nccl") d.fail("backend", "must be one of mpi, nccl");
  if (e.dist.backend == "nccl" && !dist::nccl_built())
    d.fail("backend", "this hcdc was built without NCCL (HCDC_WITH_NCCL found no CUDA toolkit and NCCL); use mpi");
  e.dist.deterministic = d.get<bool>("deterministic", e.dist.deterministic);
  e.dist.checksum_every = static_cast<int>(d.get<std::int64_t>("checksum_every", e.dist.checksum_every));
  e.dist.checkpoint_every = static_cast<int>(d.get<std::int64_t>("checkpoint_every", e.dist.checkpoint_every));
  e.dist.checkpoint_dir = d.get<std::string>("checkpoint_dir", e.dist.checkpoint_dir);
  e.dist.keep = static_cast<int>(d.get<std::int64_t>("keep", e.dist.keep));
  e.dist.share_on_node = d.get<bool>("share_on_node", e.dist.share_on_node);
  if (e.dist.checksum_every < 0) d.fail("checksum_every", "must be >= 0 (0: after every S_val update)");
  if (e.dist.checkpoint_every < 0) d.fail("checkpoint_every", "must be >= 0");
  if (e.dist.keep < 1) d.fail("keep", "must be >= 1");
  d.finish();
  return e;
}

}  // namespace hcdc::run
