#pragma once
// Training many candidates at once. A proxy search trains 80 candidates × 150 epochs on a few
// dozen rows: each step is microseconds of arithmetic and tens of microseconds of fixed cost
// (autograd graph, optimiser, allocations). Candidates of one family and shape are stacked — θ is
// B × P, one batched forward, one Adam over the stack — so the fixed cost is paid once per step
// for B candidates. Each candidate's loss enters the sum on its own, and Adam and the weight decay
// are elementwise, so candidate b follows its own trajectory: equal to training it alone to float
// rounding, and independent of which candidates share its batch. Asked for batches of one, it
// takes the one-at-a-time route (candidate_training.hpp), bit for bit.
#include <cstdint>
#include <functional>
#include <vector>

#include "hcdc/search/candidate_training.hpp"

namespace hcdc::search {

// One training: candidate index into a candidate list, and its seed.
struct TrainJob {
  std::size_t candidate = 0;
  std::uint64_t seed = 0;
};

// Bytes of a batch's hot working set (inputs, θ, gradient, Adam's moments) that still speed up a
// step: measured on Cora's shapes (3 MB per candidate by automatic_batch_size's count), batches of
// 2 / 4 / 8 / 16 / 80 took 0.80 / 0.71 / 0.97 / 1.20 / 1.29 of a batch of one's time at 1 thread
// (hcdc_bench_proxy_search's fixed-batch rows), so the budget admits 4 of them: about a third of
// this machine's shared L3, beyond which a batched product streams from memory.
inline constexpr std::int64_t kBatchCacheBytes = std::int64_t{12} << 20;

// How many candidates like `c` to train at once when none is asked for: as many as keep their
// hot working set within kBatchCacheBytes (at least 1, at most 256), and fewer where the
// memory of `workers` such batches (activations of `train_rows` rows kept for the backward,
// `eval_rows` scored rows, θ with its gradient and Adam's moments) would pass a quarter of the
// memory available now.
std::int64_t automatic_batch_size(const Candidate& c, std::int64_t train_rows, std::int64_t eval_rows,
                                  std::int64_t sample_numel, std::int64_t classes, std::int64_t element_bytes,
                                  int workers = 1);

// Trains and scores every job; scores in the order of `jobs`.
//  batch == 1: one job after another through train_and_score, each using every intra-op thread
//              (the reference route, and today's);
//  otherwise:  jobs whose candidates share a family and shape (and whose family is batchable) train
//              together in units of at most `batch` (0: automatic_batch_size), and the units run on
//              as many worker threads as LibTorch's intra-op thread count, one intra-op thread each.
// `on_done(k)` is told after each k finish (one caller at a time). A job's `seconds` is its share
// of the wall time (its unit's time over the unit's jobs and the workers), so the seconds of all
// jobs add up to about the search's wall time.
std::vector<CandidateScore> train_and_score_jobs(const std::vector<Candidate>& cands, const std::vector<TrainJob>& jobs,
                                                 const LabelledBlocks& train, const LabelledBlocks& val,
                                                 const LabelledBlocks* test, std::int64_t classes,
                                                 const TrainSettings& t, std::int64_t batch,
                                                 const std::function<void(std::int64_t)>& on_done = {});

}  // namespace hcdc::search
