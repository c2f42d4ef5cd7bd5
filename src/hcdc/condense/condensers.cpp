#include "hcdc/condense/condensers.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <random>

#include "hcdc/condense/class_budget.hpp"
#include "hcdc/condense/induced_subgraph.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"

namespace hcdc::condense {
namespace {

std::vector<std::int64_t> to_vec(const torch::Tensor& t) {
  auto c = t.contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

// A condensed set of `budget` nodes from the original training nodes by one method's selection.
Selection standard(const GraphTask& task, const std::string& method, std::int64_t budget, const CondenseSettings& s) {
  const CondensationMethod& m = methods().at(method);
  if (!m.select) throw UnknownName(fmt::format("'{}' does not select a condensed set by itself", method));
  const bool images = is_image_task(task);
  if (images ? !m.images : !m.graphs)
    throw SettingError("methods", fmt::format("'{}' condenses {} only; these data are {}", method,
                                              images ? "graphs" : "images", images ? "images" : "a graph"));
  auto per_class = allocate_per_class(to_vec(task.train.y), task.num_classes, budget, m.coreset, "budgets");
  return m.select(task, per_class, s);
}

// The task whose training pool is the original validation split: a method condenses S_val from it
// exactly as it condenses S_train from the training split.
GraphTask validation_pool(const GraphTask& task) {
  GraphTask v = task;
  v.train = task.val;
  return v;
}

// The seed of S_val's selection: another stream than S_train's, so a random pick of the two pools
// is not the same permutation twice.
CondenseSettings val_settings(const CondenseSettings& s) {
  CondenseSettings v = s;
  v.seed = s.seed + 0x5a11;
  return v;
}

// Whether HCDC's S_val starts from real validation samples (HcdcOptions::sval_start).
bool sval_starts_real(const CondenseSettings& s) { return s.hcdc.sval_start == HcdcOptions::SvalStart::kValidation; }

// The paper's letter: c_train + c_val nodes from the training pool, split at random keeping the
// original train:val ratio.
CondensedPair paper_ratio_pair(const GraphTask& task, const CondenseSettings& s) {
  CondensedPair out;
  const Selection sel = standard(task, s.method, s.c_train + s.c_val, s);
  const auto& set = sel.set;
  const auto n = set.y.size(0);
  double ratio = static_cast<double>(task.val.y.size(0)) /
                 static_cast<double>(task.train.y.size(0) + task.val.y.size(0));
  auto n_val = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::llround(ratio * static_cast<double>(n))), 1, n - 1);
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  std::mt19937_64 rng(s.seed + 101);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<std::int64_t> vr(perm.begin(), perm.begin() + n_val), tr(perm.begin() + n_val, perm.end());
  out.s_val = pick_rows(set, vr);
  out.s_train = pick_rows(set, tr);
  if (sel.adjacency.defined()) {  // S_train's nodes first, as the pair's adjacency is laid out
    std::vector<std::int64_t> order(tr);
    order.insert(order.end(), vr.begin(), vr.end());
    auto o = torch::tensor(order, torch::kLong);
    out.adjacency = sel.adjacency.index_select(0, o).index_select(1, o);
  }
  return out;
}

HcdcStart hcdc_start(const GraphTask& task, const CondenseSettings& s) {
  HcdcStart h;
  const bool real_start = sval_starts_real(s);
  if (s.message_passing) {
    // S_train and S_val's starting nodes are real nodes (S_val's from the validation split) with
    // the structure they induce; HCDC then learns S_val's features on that structure.
    if (!real_start)
      throw SettingError("hcdc.sval_start", "message-passing candidates start S_val from real validation nodes (the "
                                       "structure comes from them): 'validation', not 'noise'");
    if (!is_coreset(s.hcdc_train_method))
      throw SettingError("hcdc_train_method", fmt::format("message-passing candidates need real nodes to start from: a "
                                                          "coreset (random, kcenter, herding), not '{}'",
                                                          s.hcdc_train_method));
    auto strain = standard(task, s.hcdc_train_method, s.c_train, s);
    auto sval = standard(validation_pool(task), s.hcdc_train_method, s.c_val, val_settings(s));
    auto proxy = induced_subgraph_proxy(task, strain.rows, sval.rows);
    h.s_train_rows = strain.rows;
    h.s_val_rows = sval.rows;
    h.s_val_init = proxy.s_val.x.narrow(0, s.c_train, s.c_val).clone();
    h.data = {task.graph_train, task.graph_val, proxy.s_train, proxy.s_val.y, task.num_classes, proxy.s_val.graph};
    return h;
  }
  auto strain = standard(task, s.hcdc_train_method, s.c_train, s);
  h.adjacency = strain.adjacency;
  h.data = {task.train, task.val, strain.set, torch::Tensor(), task.num_classes, nullptr};
  if (real_start) {
    // Images: a seeded class-balanced random pick of validation images. Noise at the data's
    // per-pixel scale is far off the images: the Table-1 run that started there learned an S_val
    // on which every candidate's loss was 3–20 nats and ranked backwards. Feature blocks: the
    // validation rows the S_train method picks, i.e. the S_val of that method's own pair.
    auto sval = standard(validation_pool(task), is_image_task(task) ? "random" : s.hcdc_train_method, s.c_val,
                         val_settings(s));
    h.s_val_init = sval.set.x.clone();
    h.data.s_val_y = sval.set.y;
    return h;
  }
  // S_val: labels in proportion to the original validation classes; features random at the scale
  // of the data (per-entry mean and spread of the training blocks), from a seeded generator.
  auto per_class = allocate_per_class(to_vec(task.val.y), task.num_classes, s.c_val, false, "val_fraction");
  std::vector<std::int64_t> y;
  for (std::size_t c = 0; c < per_class.size(); ++c)
    y.insert(y.end(), static_cast<std::size_t>(per_class[c]), static_cast<std::int64_t>(c));
  torch::Tensor mu = task.train.x.mean(0), sd = task.train.x.std(0);
  std::vector<std::int64_t> val_shape{s.c_val};  // c_val samples of the training samples' shape
  val_shape.insert(val_shape.end(), mu.sizes().begin(), mu.sizes().end());
  std::mt19937_64 rng(s.seed + 202);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> noise(static_cast<std::size_t>(s.c_val * mu.numel()));
  for (auto& v : noise) v = g(rng);
  h.s_val_init = mu + sd * torch::tensor(noise, torch::kDouble).to(mu.scalar_type()).view(val_shape);
  h.data.s_val_y = torch::tensor(y, torch::kLong);
  return h;
}

}  // namespace

HcdcStart prepare_hcdc(const GraphTask& task, const CondenseSettings& s) {
  HcdcStart h = hcdc_start(task, s);
  // Adam moves every entry of S_val by about sval_lr per update whatever the gradient's size, so
  // sval_lr against the start's scale is how far one update carries S_val. On Cora a real start
  // ranked best at 0.02× its rms entry and was wrecked at 4× (docs/results/sval_start.md).
  const double rms = h.s_val_init.to(torch::kDouble).pow(2).mean().sqrt().item<double>();
  const double ratio = rms > 0 ? s.hcdc.sval_lr / rms : std::numeric_limits<double>::infinity();
  const char* from = sval_starts_real(s) ? "real validation samples" : "noise";
  if (ratio > 0.5)
    spdlog::warn("hcdc: S_val starts from {} with entries of {:.3g} rms; hcdc.sval_lr {:.3g} moves each entry by {:.2g}x "
                 "that per update: S_val can leave the data's scale within a few updates",
                 from, rms, s.hcdc.sval_lr, ratio);
  else
    spdlog::info("hcdc: S_val starts from {} (entries {:.3g} rms); hcdc.sval_lr {:.3g} = {:.2g}x that per update", from,
                 rms, s.hcdc.sval_lr, ratio);
  return h;
}

const std::vector<std::string>& baseline_split_names() {
  static const std::vector<std::string> names{"equal", "paper-ratio"};
  return names;
}

BaselineSplit parse_baseline_split(const std::string& name) {
  if (name == "equal") return BaselineSplit::kEqual;
  if (name == "paper-ratio") return BaselineSplit::kPaperRatio;
  throw UnknownName(fmt::format("'{}' is not a baseline split (equal, paper-ratio)", name));
}

Registry<CondensationMethod>& methods() {
  static Registry<CondensationMethod> r("condensation method");
  return r;
}

search::LabelledBlocks pick_rows(const search::LabelledBlocks& b, const std::vector<std::int64_t>& rows) {
  auto i = torch::tensor(rows, torch::kLong);
  return search::blocks_of(b.x.index_select(0, i), b.y.index_select(0, i));
}

std::map<std::string, std::any> parse_method_sections(config::StrictTable& top) {
  std::map<std::string, std::any> out;
  for (const auto& name : methods().names()) {
    const CondensationMethod& m = methods().at(name);
    if (m.section.empty() || !m.parse_options || out.count(m.section)) continue;
    auto t = top.table(m.section);
    out[m.section] = m.parse_options(t);
    t.finish();
  }
  return out;
}

torch::Tensor block_diagonal_adjacency(const torch::Tensor& a, std::int64_t n_a, const torch::Tensor& b, std::int64_t n_b) {
  if (!a.defined() && !b.defined()) return {};
  const auto opts = (a.defined() ? a : b).options();
  torch::Tensor out = torch::zeros({n_a + n_b, n_a + n_b}, opts);
  if (a.defined()) out.narrow(0, 0, n_a).narrow(1, 0, n_a).copy_(a);
  if (b.defined()) out.narrow(0, n_a, n_b).narrow(1, n_a, n_b).copy_(b);
  return out;
}

CondensedPair finished_pair(const HcdcStart& start, const HcdcLearner& learner, double seconds) {
  CondensedPair pair;
  pair.s_train = start.data.s_train;
  pair.s_train_rows = start.s_train_rows;
  pair.s_val_rows = start.s_val_rows;
  pair.s_val = search::blocks_of(learner.s_val().detach(), start.data.s_val_y);
  pair.adjacency = block_diagonal_adjacency(start.adjacency, pair.s_train.y.size(0), torch::Tensor(),
                                            pair.s_val.y.size(0));
  pair.history = learner.alignment_history();
  pair.solves = learner.solves();
  pair.skipped_solves = learner.skipped_solves();
  pair.seconds = seconds;
  return pair;
}

std::vector<std::string> standard_methods() {
  std::vector<std::string> out;
  for (const auto& name : methods().names())
    if (!methods().at(name).learns_validation) out.push_back(name);
  return out;
}

std::vector<std::string> method_names() { return methods().names(); }

bool is_coreset(const std::string& method) { return methods().at(method).coreset; }

std::string infeasibility(const GraphTask& task, const CondenseSettings& s) {
  // The same allocations condense() makes, without the work: a standard method draws c_train
  // nodes from the training pool and c_val from the validation pool (or, paper-ratio, c_train +
  // c_val from the training pool, split afterwards); HCDC draws c_train by its S_train method and
  // gives S_val labels in proportion to the validation classes.
  const bool hcdc = methods().at(s.method).learns_validation;
  const std::string& method = hcdc ? s.hcdc_train_method : s.method;
  const bool coreset = is_coreset(method);
  const bool together = !hcdc && s.split == BaselineSplit::kPaperRatio;
  try {
    allocate_per_class(to_vec(task.train.y), task.num_classes, together ? s.c_train + s.c_val : s.c_train, coreset,
                       "budgets");
    if (!together)
      // (HCDC starting from real validation samples needs distinct ones: a random pick on images,
      // otherwise the S_train method's.)
      allocate_per_class(to_vec(task.val.y), task.num_classes, s.c_val,
                         hcdc ? sval_starts_real(s) && (is_image_task(task) || coreset) : coreset, "val_fraction");
  } catch (const SettingError& e) {
    return e.what_only();
  }
  return "";
}

CondensedPair condense(const GraphTask& task, const CondenseSettings& s, const Reducer& reduce) {
  auto t0 = std::chrono::steady_clock::now();
  const CondensationMethod& method = methods().at(s.method);
  if (s.c_train < 1 || s.c_val < 1) throw SettingError("budgets", "c_train and c_val must be >= 1");
  CondensedPair out;
  if (!method.learns_validation && s.split == BaselineSplit::kPaperRatio) {
    out = paper_ratio_pair(task, s);
  } else if (!method.learns_validation) {
    // Like for like with HCDC: c_train from the training pool, c_val from the validation pool.
    auto train = standard(task, s.method, s.c_train, s);
    auto val = standard(validation_pool(task), s.method, s.c_val, val_settings(s));
    out.s_train = train.set;
    out.s_val = val.set;
    out.adjacency = block_diagonal_adjacency(train.adjacency, train.set.y.size(0), val.adjacency, val.set.y.size(0));
    out.s_train_rows = train.rows;
    out.s_val_rows = val.rows;
    out.history = train.history;  // S_train's (S_val's is learned the same way)
  } else {
    HcdcStart start = prepare_hcdc(task, s);
    std::vector<std::int64_t> owned(s.hcdc_trajectories.size());
    std::iota(owned.begin(), owned.end(), 0);
    Reducer r = reduce ? reduce : dist::local_reducer();
    HcdcLearner learner(start.data, s.hcdc_trajectories, owned, start.s_val_init, s.hcdc, s.seed, r);
    Progress progress("hcdc", learner.total_steps());
    while (learner.step()) progress.step();
    progress.step();
    return finished_pair(start, learner, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace hcdc::condense
