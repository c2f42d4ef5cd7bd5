#include "hcdc/condense/condensers.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "hcdc/condense/class_budget.hpp"
#include "hcdc/condense/coreset.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/models/decoupled_filter.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"

namespace hcdc::condense {
namespace {

std::vector<std::int64_t> to_vec(const torch::Tensor& t) {
  auto c = t.contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

// Embeddings for k-center and herding: the hidden layer of a model trained on the whole data.
torch::Tensor whole_data_embeddings(const GraphTask& task, std::uint64_t seed) {
  search::Candidate c;
  c.lambda.assign(static_cast<std::size_t>(task.train.x.size(1)), 1.0 / static_cast<double>(task.train.x.size(1)));
  auto model = search::make_model(c, task.train.x.size(2), task.num_classes);
  const auto dt = task.train.x.scalar_type();
  auto lambda = torch::tensor(c.lambda, torch::kDouble).to(dt);
  models::ClassificationProblem p(model, {{task.train.x, nullptr}, {}, task.train.y},
                                  {{task.val.x, nullptr}, {}, task.val.y}, 5e-4);
  auto theta = hypergrad::train_theta(p, model->init_theta(seed, dt), lambda, {"adam", 0.01, 0, 200});
  torch::NoGradGuard ng;
  return model->embed(theta, lambda, task.train.x);
}

search::LabelledBlocks pick(const search::LabelledBlocks& b, const std::vector<std::int64_t>& rows) {
  auto i = torch::tensor(rows, torch::kLong);
  return {b.x.index_select(0, i), b.y.index_select(0, i)};
}

// A condensed set of `budget` nodes from the original training nodes by one standard method.
std::pair<search::LabelledBlocks, torch::Tensor> standard(const GraphTask& task, const std::string& method,
                                                          std::int64_t budget, std::uint64_t seed,
                                                          const CondenseSettings& s) {
  auto labels = to_vec(task.train.y);
  const bool coreset = is_coreset(method);
  auto per_class = allocate_per_class(labels, task.num_classes, budget, coreset, s.file, "condense.budgets");
  if (coreset) {
    CoresetKind kind = method == "random" ? CoresetKind::kRandom
                       : method == "kcenter" ? CoresetKind::kKCenter
                                             : CoresetKind::kHerding;
    torch::Tensor emb = kind == CoresetKind::kRandom ? torch::Tensor() : whole_data_embeddings(task, seed);
    return {pick(task.train, select_coreset(kind, emb, labels, per_class, seed)), torch::Tensor()};
  }
  SyntheticSet syn = method == "dm" ? distribution_matching(task.train, per_class, task.num_classes, s.matching, seed)
                                    : gradient_matching(task.train, per_class, task.num_classes, method == "gcond",
                                                        s.matching, seed);
  return {{syn.blocks, syn.y}, syn.adjacency};
}

}  // namespace

GraphTask make_graph_task(const std::string& path, const std::string& basis_name, int order, bool normalize_features) {
  data::Graph g = data::read_graph(path);
  if (g.sparse_features()) throw InputError(path, "features_csr", "condensation needs dense features");
  auto ops = models::GraphOperators::from_csr(g.num_nodes, g.indptr, g.indices, g.weights, torch::kFloat);
  auto x = torch::tensor(g.features).view({g.num_nodes, g.num_features});
  if (normalize_features) x = x / x.abs().sum(1, true).clamp_min(1e-12);
  auto basis = models::parse_filter_basis(basis_name, path, "search.basis");
  auto blocks = models::propagate_blocks(ops, x, basis, order);
  auto y = torch::tensor(g.labels, torch::kLong);
  auto sel = [&](const std::vector<std::int64_t>& idx) {
    auto i = torch::tensor(idx, torch::kLong);
    return search::LabelledBlocks{blocks.index_select(0, i).contiguous(), y.index_select(0, i)};
  };
  if (g.splits.val.empty()) throw InputError(path, "splits/val", "the dataset has no validation split");
  return {sel(g.splits.train), sel(g.splits.val), sel(g.splits.test), g.num_classes, g.num_nodes};
}

HcdcStart prepare_hcdc(const GraphTask& task, const CondenseSettings& s) {
  HcdcStart h;
  auto [strain, adj] = standard(task, s.hcdc_train_method, s.c_train, s.seed, s);
  h.adjacency = adj;
  // S_val: labels in proportion to the original validation classes; features random at the scale
  // of the data (per-entry mean and spread of the training blocks), from a seeded generator.
  auto per_class = allocate_per_class(to_vec(task.val.y), task.num_classes, s.c_val, false, s.file,
                                      "condense.val_fraction");
  std::vector<std::int64_t> y;
  for (std::size_t c = 0; c < per_class.size(); ++c)
    y.insert(y.end(), static_cast<std::size_t>(per_class[c]), static_cast<std::int64_t>(c));
  torch::Tensor mu = task.train.x.mean(0), sd = task.train.x.std(0);
  std::mt19937_64 rng(s.seed + 202);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> noise(static_cast<std::size_t>(s.c_val * mu.numel()));
  for (auto& v : noise) v = g(rng);
  h.s_val_init = mu + sd * torch::tensor(noise, torch::kDouble).to(mu.scalar_type()).view({s.c_val, mu.size(0), mu.size(1)});
  h.data = {task.train, task.val, strain, torch::tensor(y, torch::kLong), task.num_classes};
  return h;
}

const std::vector<std::string>& standard_methods() {
  static const std::vector<std::string> names{"random", "kcenter", "herding", "gcond-x", "gcond", "dm"};
  return names;
}

bool is_coreset(const std::string& method) {
  return method == "random" || method == "kcenter" || method == "herding";
}

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = [] {
    auto n = standard_methods();
    n.push_back("hcdc");
    return n;
  }();
  return names;
}

std::string infeasibility(const GraphTask& task, const CondenseSettings& s) {
  // The same allocations condense() makes, without the work: a standard method draws
  // c_train + c_val nodes (split afterwards), HCDC draws c_train by its S_train method and gives
  // S_val labels in proportion to the validation classes.
  const bool hcdc = s.method == "hcdc";
  const std::string& method = hcdc ? s.hcdc_train_method : s.method;
  const bool coreset = is_coreset(method);
  try {
    allocate_per_class(to_vec(task.train.y), task.num_classes, hcdc ? s.c_train : s.c_train + s.c_val, coreset,
                       s.file, "condense.budgets");
    if (hcdc) allocate_per_class(to_vec(task.val.y), task.num_classes, s.c_val, false, s.file, "condense.val_fraction");
  } catch (const InputError& e) {
    return e.what_only();
  }
  return "";
}

CondensedPair condense(const GraphTask& task, const CondenseSettings& s, const Reducer& reduce) {
  auto t0 = std::chrono::steady_clock::now();
  if (std::find(method_names().begin(), method_names().end(), s.method) == method_names().end())
    throw InputError(s.file, "condense.methods", fmt::format("unknown method '{}'", s.method));
  if (s.c_train < 1 || s.c_val < 1) throw InputError(s.file, "condense.budgets", "c_train and c_val must be >= 1");
  CondensedPair out;
  if (s.method != "hcdc") {
    // Baselines: the whole budget from one method, then a random split keeping train:val.
    auto [set, adj] = standard(task, s.method, s.c_train + s.c_val, s.seed, s);
    out.adjacency = adj;
    const auto n = set.y.size(0);
    double ratio = static_cast<double>(task.val.y.size(0)) /
                   static_cast<double>(task.train.y.size(0) + task.val.y.size(0));
    auto n_val = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::llround(ratio * static_cast<double>(n))), 1, n - 1);
    std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937_64 rng(s.seed + 101);
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<std::int64_t> vr(perm.begin(), perm.begin() + n_val), tr(perm.begin() + n_val, perm.end());
    out.s_val = pick(set, vr);
    out.s_train = pick(set, tr);
  } else {
    HcdcStart start = prepare_hcdc(task, s);
    out.s_train = start.data.s_train;
    out.adjacency = start.adjacency;
    torch::Tensor sy = start.data.s_val_y;
    std::vector<std::int64_t> owned(s.hcdc_trajectories.size());
    std::iota(owned.begin(), owned.end(), 0);
    Reducer r = reduce ? reduce : local_reducer();
    HcdcLearner learner(start.data, s.hcdc_trajectories, owned, start.s_val_init, s.hcdc, s.seed, r);
    Progress progress("hcdc", learner.total_steps());
    while (learner.step()) progress.step();
    progress.step();
    out.s_val = {learner.s_val().detach(), sy};
    out.history = learner.alignment_history();
    out.solves = learner.solves();
    out.skipped_solves = learner.skipped_solves();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace hcdc::condense
