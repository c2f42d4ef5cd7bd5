#include "hcdc/search/batched_training.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "hcdc/core/memory.hpp"
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

torch::Tensor per_candidate_accuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  return logits.argmax(2).eq(labels.unsqueeze(0)).to(torch::kDouble).mean(1);
}

// One batch of jobs whose candidates share a shape, trained together.
std::vector<CandidateScore> train_batch(const std::vector<Candidate>& cands, const std::vector<TrainJob>& jobs,
                                        const models::ModelFamily& model, const LabelledBlocks& train,
                                        const LabelledBlocks& val, const LabelledBlocks* test, const TrainSettings& t) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto dt = train.x.scalar_type();
  std::vector<torch::Tensor> thetas, lambdas;
  for (const auto& j : jobs) {
    thetas.push_back(model.init_theta(j.seed, dt));
    lambdas.push_back(torch::tensor(cands[j.candidate].lambda, torch::kDouble).to(dt));
  }
  torch::Tensor theta = torch::stack(thetas).requires_grad_(true);
  const torch::Tensor lambda = torch::stack(lambdas);
  // The same optimiser and loss as hypergrad::train_theta on ClassificationProblem, per row of θ.
  torch::optim::Adam opt(std::vector<torch::Tensor>{theta}, torch::optim::AdamOptions(t.lr));
  for (int s = 0; s < t.epochs; ++s) {
    opt.zero_grad();
    torch::Tensor loss = per_candidate_ce(model.batched_logits(theta, lambda, {train.x, nullptr}), train.y).sum() +
                         0.5 * t.weight_decay * theta.pow(2).sum();
    loss.backward();
    opt.step();
  }
  torch::NoGradGuard ng;
  torch::Tensor val_logits = model.batched_logits(theta, lambda, {val.x, nullptr});
  torch::Tensor val_loss = per_candidate_ce(val_logits, val.y).to(torch::kDouble);
  torch::Tensor val_acc = per_candidate_accuracy(val_logits, val.y);
  torch::Tensor test_acc;
  if (test) test_acc = per_candidate_accuracy(model.batched_logits(theta, lambda, {test->x, nullptr}), test->y);
  const double share =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / static_cast<double>(jobs.size());
  std::vector<CandidateScore> out(jobs.size());
  for (std::size_t b = 0; b < jobs.size(); ++b) {
    const auto i = static_cast<std::int64_t>(b);
    out[b].val_loss = val_loss[i].item<double>();
    out[b].val_acc = val_acc[i].item<double>();
    if (test) out[b].test_acc = test_acc[i].item<double>();
    out[b].seconds = share;
  }
  return out;
}

}  // namespace

std::int64_t automatic_batch_size(const Candidate& c, std::int64_t train_rows, std::int64_t eval_rows,
                                  std::int64_t sample_numel, std::int64_t classes, std::int64_t element_bytes) {
  // Kept for the backward, per training row: the mixed input (and its block terms), each hidden
  // layer before and after its activation, the logits and their log-softmax; ×2 for gradients.
  const std::int64_t per_row = 2 * (2 * sample_numel + 2 * c.hidden * std::max(c.layers - 1, 0) + 2 * classes);
  const std::int64_t theta = sample_numel * c.hidden + c.hidden * c.hidden * std::max(c.layers - 2, 0) +
                             c.hidden * classes;  // weights dominate: an upper bound's order
  const std::int64_t per_candidate =
      element_bytes * (train_rows * per_row + eval_rows * (2 * sample_numel + c.hidden + classes) + 5 * theta);
  const std::int64_t budget = available_memory_bytes() / 4;
  if (per_candidate <= 0 || budget <= 0) return 1;
  return std::clamp<std::int64_t>(budget / per_candidate, 1, 256);
}

std::vector<CandidateScore> train_and_score_jobs(const std::vector<Candidate>& cands, const std::vector<TrainJob>& jobs,
                                                 const LabelledBlocks& train, const LabelledBlocks& val,
                                                 const LabelledBlocks* test, std::int64_t classes,
                                                 const TrainSettings& t, std::int64_t batch,
                                                 const std::function<void(std::int64_t)>& on_done) {
  std::vector<CandidateScore> scores(jobs.size());
  // Groups of one shape, in the order their first job appears (so the work order is stable).
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> group_of;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto [it, fresh] = group_of.emplace(shape_key(cands.at(jobs[i].candidate)), groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  const std::int64_t features = train.x.numel() / std::max<std::int64_t>(train.x.size(0), 1);
  const std::int64_t eval_rows = std::max(val.x.size(0), test ? test->x.size(0) : 0);
  for (const auto& group : groups) {
    const Candidate& first = cands[jobs[group.front()].candidate];
    auto model = make_model(first, train.x.size(-1), classes);
    std::int64_t size = batch > 0 ? batch
                                  : automatic_batch_size(first, train.x.size(0), eval_rows, features, classes,
                                                         static_cast<std::int64_t>(train.x.element_size()));
    if (!model->batchable()) size = 1;
    for (std::size_t at = 0; at < group.size(); at += static_cast<std::size_t>(size)) {
      const std::size_t end = std::min(group.size(), at + static_cast<std::size_t>(size));
      if (end - at == 1) {
        const TrainJob& j = jobs[group[at]];
        scores[group[at]] = train_and_score(cands[j.candidate], train, val, test, classes, j.seed, t);
      } else {
        std::vector<TrainJob> chunk;
        for (std::size_t k = at; k < end; ++k) chunk.push_back(jobs[group[k]]);
        auto got = train_batch(cands, chunk, *model, train, val, test, t);
        for (std::size_t k = at; k < end; ++k) scores[group[k]] = got[k - at];
      }
      if (on_done) on_done(static_cast<std::int64_t>(end - at));
    }
  }
  return scores;
}

}  // namespace hcdc::search
