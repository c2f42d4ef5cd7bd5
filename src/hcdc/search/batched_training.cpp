#include "hcdc/search/batched_training.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "hcdc/core/memory.hpp"
#include "hcdc/core/workers.hpp"
#include "hcdc/hypergrad/fused_adam.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::search {
namespace {

// Candidates with equal keys have models of identical layout (family, width, depth, λ length).
std::string shape_key(const Candidate& c) {
  return fmt::format("{}|{}|{}|{}", c.family, c.hidden, c.layers, c.lambda.size());
}

// Per candidate: mean cross-entropy over the rows of B × n × classes logits (length B).
torch::Tensor per_candidate_ce(const torch::Tensor& logits, const torch::Tensor& labels) {
  torch::Tensor logp = torch::log_softmax(logits, 2);
  torch::Tensor picked = logp.gather(2, labels.view({1, -1, 1}).expand({logits.size(0), labels.size(0), 1}));
  return -picked.squeeze(2).mean(1);
}

// One batch of jobs whose candidates share a shape, trained together.
// `share_of` divides the batch's wall time among its jobs (and the workers running beside it).
std::vector<CandidateScore> train_batch(const std::vector<Candidate>& cands, const std::vector<TrainJob>& jobs,
                                        const models::ModelFamily& model, const LabelledBlocks& train,
                                        const LabelledBlocks& val, const LabelledBlocks* test, const TrainSettings& t,
                                        double share_of) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto dt = train.x.scalar_type();
  std::vector<torch::Tensor> thetas, lambdas;
  for (const auto& j : jobs) {
    thetas.push_back(model.init_theta(j.seed, dt));
    lambdas.push_back(torch::tensor(cands[j.candidate].lambda, torch::kDouble).to(dt));
  }
  const torch::Tensor lambda = torch::stack(lambdas);
  std::vector<torch::Tensor> blocks = model.batched_blocks(torch::stack(thetas));
  for (auto& b : blocks) b.requires_grad_(true);
  // The same training as hypergrad::train_theta on ClassificationProblem, per candidate, with
  // two cuts that leave the arithmetic's meaning unchanged: the mix of the blocks, which does not
  // depend on θ, is computed once; and the weight decay's gradient wd·θ is added by Adam itself
  // (its L2 weight_decay) instead of being differentiated through ½·wd·‖θ‖² every step. θ as
  // separate blocks spares the backward the scatter of every block's gradient into one flat θ.
  const torch::Tensor prepared = model.batched_prepare(lambda, {train.x, nullptr});
  hypergrad::FusedAdamOptions adam;
  adam.lr = t.lr;
  adam.weight_decay = t.weight_decay;
  hypergrad::FusedAdam opt(blocks, adam);  // torch::optim::Adam's update in one pass (fused_adam.hpp)
  for (int s = 0; s < t.epochs; ++s) {
    opt.zero_grad();
    per_candidate_ce(model.batched_logits(blocks, prepared), train.y).sum().backward();
    opt.step();
  }
  torch::NoGradGuard ng;
  auto logits_on = [&](const LabelledBlocks& d) {
    return model.batched_logits(blocks, model.batched_prepare(lambda, {d.x, nullptr}));
  };
  torch::Tensor val_logits = logits_on(val);
  torch::Tensor val_loss = per_candidate_ce(val_logits, val.y).to(torch::kDouble);
  torch::Tensor val_score = per_candidate_metric(t.metric, val_logits, val.y);
  torch::Tensor test_score;
  if (test) test_score = per_candidate_metric(t.metric, logits_on(*test), test->y);
  const double share = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / share_of;
  std::vector<CandidateScore> out(jobs.size());
  for (std::size_t b = 0; b < jobs.size(); ++b) {
    const auto i = static_cast<std::int64_t>(b);
    out[b].val_loss = val_loss[i].item<double>();
    out[b].val_score = val_score[i].item<double>();
    if (test) out[b].test_score = test_score[i].item<double>();
    out[b].seconds = share;
  }
  return out;
}

}  // namespace

std::int64_t automatic_batch_size(const Candidate& c, std::int64_t train_rows, std::int64_t eval_rows,
                                  std::int64_t sample_numel, std::int64_t classes, std::int64_t element_bytes,
                                  int workers) {
  const std::int64_t theta = sample_numel * c.hidden + c.hidden * c.hidden * std::max(c.layers - 2, 0) +
                             c.hidden * classes;  // the weights, in order of magnitude
  // Speed: one step touches each candidate's training input and θ with its gradient and Adam's two
  // moments. Batching pays while the batch's share stays in cache; past that a batched product
  // streams from memory and runs slower per candidate than one alone (kBatchCacheBytes,
  // docs/results/speed.md), so a large candidate trains in small batches or alone.
  const std::int64_t hot = element_bytes * (train_rows * sample_numel + 4 * theta);
  std::int64_t size = hot > 0 ? std::clamp<std::int64_t>(kBatchCacheBytes / hot, 1, 256) : 1;
  // Memory: kept for the backward, per training row, the input and mix, each hidden layer before
  // and after its activation, the logits and their log-softmax, ×2 for gradients; the scored
  // rows' forward; θ five times. All workers together within a quarter of the available memory.
  const std::int64_t per_row = 2 * (2 * sample_numel + 2 * c.hidden * std::max(c.layers - 1, 0) + 2 * classes);
  const std::int64_t per_candidate =
      element_bytes * (train_rows * per_row + eval_rows * (2 * sample_numel + c.hidden + classes) + 5 * theta);
  const std::int64_t budget = available_memory_bytes() / 4 / std::max(workers, 1);
  if (per_candidate > 0 && budget > 0) size = std::min(size, std::max<std::int64_t>(budget / per_candidate, 1));
  return size;
}

std::vector<CandidateScore> train_and_score_jobs(const std::vector<Candidate>& cands, const std::vector<TrainJob>& jobs,
                                                 const LabelledBlocks& train, const LabelledBlocks& val,
                                                 const LabelledBlocks* test, std::int64_t classes,
                                                 const TrainSettings& t, std::int64_t batch,
                                                 const std::function<void(std::int64_t)>& on_done) {
  std::vector<CandidateScore> scores(jobs.size());
  if (batch == 1) {  // today's route: one candidate after another, each with every intra-op thread
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      scores[i] = train_and_score(cands.at(jobs[i].candidate), train, val, test, classes, jobs[i].seed, t);
      if (on_done) on_done(1);
    }
    return scores;
  }
  const int workers = default_workers();
  // Groups of one shape, in the order their first job appears, cut into units of at most the
  // batch size: the units and their members depend only on the jobs and the batch size.
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> group_of;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto [it, fresh] = group_of.emplace(shape_key(cands.at(jobs[i].candidate)), groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  const std::int64_t features = train.x.numel() / std::max<std::int64_t>(train.x.size(0), 1);
  const std::int64_t eval_rows = std::max(val.x.size(0), test ? test->x.size(0) : 0);
  struct Unit {
    std::shared_ptr<models::ModelFamily> model;
    std::vector<std::size_t> members;  // indices into jobs
  };
  std::vector<Unit> units;
  for (const auto& group : groups) {
    const Candidate& first = cands[jobs[group.front()].candidate];
    auto model = make_model(first, train.x.size(-1), classes);
    std::int64_t size = batch > 0 ? batch
                                  : automatic_batch_size(first, train.x.size(0), eval_rows, features, classes,
                                                         static_cast<std::int64_t>(train.x.element_size()), workers);
    if (!model->batchable()) size = 1;
    // An automatic batch leaves a unit for every worker.
    if (batch <= 0) {
      const auto per_worker = (static_cast<std::int64_t>(group.size()) + workers - 1) / workers;
      size = std::max<std::int64_t>(1, std::min(size, per_worker));
    }
    for (std::size_t at = 0; at < group.size(); at += static_cast<std::size_t>(size))
      units.push_back({model, {group.begin() + static_cast<std::ptrdiff_t>(at),
                               group.begin() + static_cast<std::ptrdiff_t>(std::min(group.size(), at + static_cast<std::size_t>(size)))}});
  }
  const int active = std::min<int>(workers, static_cast<int>(units.size()));
  auto run_unit = [&](const Unit& u) {
    if (!u.model->batchable()) {
      const TrainJob& j = jobs[u.members.front()];
      scores[u.members.front()] = train_and_score(cands[j.candidate], train, val, test, classes, j.seed, t);
      scores[u.members.front()].seconds /= active;
      return;
    }
    std::vector<TrainJob> chunk;
    for (auto i : u.members) chunk.push_back(jobs[i]);
    auto got = train_batch(cands, chunk, *u.model, train, val, test, t,
                           static_cast<double>(u.members.size()) * active);
    for (std::size_t k = 0; k < u.members.size(); ++k) scores[u.members[k]] = got[k];
  };
  // Units run on `workers` threads, one intra-op thread each (core/workers.hpp).
  run_on_workers(
      units.size(), [&](std::size_t u) { run_unit(units[u]); }, workers,
      [&](std::size_t u) {
        if (on_done) on_done(static_cast<std::int64_t>(units[u].members.size()));
      });
  return scores;
}

}  // namespace hcdc::search
