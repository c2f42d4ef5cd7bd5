// One proxy search of the Table-2 job's shape, one candidate at a time vs batched
// (search/batched_training.hpp), in the same run: 80 decoupled-filter candidates (λ uniform in
// [-1, 1]³, hidden 32, 2 layers), 150 Adam epochs each, on Cora-shaped feature blocks
// (3 × 1433 features, 7 classes): S_train of 49 rows (the 1.8 % budget) and S_val of 20, plus
// the 1,000 test rows every search scores; the same at 140 training rows (Cora's own train
// split: the ground truth); and at 64 features (a small graph's features or a reduced input),
// where batching itself pays. Only shapes matter for the time, so the blocks are generated.
//
// Arguments: training rows / features per block / batch (1: one at a time, as before batching; 0: automatic) / threads
// (batch 1: intra-op threads; otherwise: worker threads of one intra-op thread each). Counters:
// the batch size used, candidates per second, the speed-up over the one-at-a-time search of the same
// rows and threads measured just before it, and the extra peak memory.
#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <tuple>
#include <utility>

#include "hcdc/hypergrad/fused_adam.hpp"
#include "hcdc/search/batched_training.hpp"
#include "peak_memory.hpp"
#include "torch_profile.hpp"

namespace {

using namespace hcdc;

constexpr std::int64_t kBlocks = 3, kClasses = 7, kCandidates = 80;

search::LabelledBlocks blocks(std::int64_t rows, std::int64_t features, std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::Tensor y = torch::randint(kClasses, {rows}, torch::kLong);
  torch::Tensor means = torch::randn({kClasses, kBlocks, features});
  return search::blocks_of(means.index_select(0, y) + torch::randn({rows, kBlocks, features}), y);
}

std::vector<search::Candidate> candidates() {
  std::mt19937_64 rng(0);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<search::Candidate> c;
  for (std::int64_t i = 0; i < kCandidates; ++i)
    c.push_back({"c" + std::to_string(i), "decoupled-filter", {u(rng), u(rng), u(rng)}, 32, 2});
  return c;
}

std::map<std::tuple<std::int64_t, std::int64_t, int>, double>& one_at_a_time_seconds() {
  static std::map<std::tuple<std::int64_t, std::int64_t, int>, double> m;
  return m;
}

void BM_ProxySearch(benchmark::State& state) {
  const std::int64_t rows = state.range(0), features = state.range(1), batch = state.range(2);
  const int threads = static_cast<int>(state.range(3));
  at::set_num_threads(threads);
  const auto cands = candidates();
  const auto train = blocks(rows, features, 1), val = blocks(20, features, 2), test = blocks(1000, features, 3);
  std::vector<search::TrainJob> jobs;
  for (std::size_t c = 0; c < cands.size(); ++c) jobs.push_back({c, 0});
  const search::TrainSettings t{150, 0.01, 5e-4};
  bench::PeakMemory mem;
  mem.start();
  double seconds = 0;
  bench::TorchProfileScope profile;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(search::train_and_score_jobs(cands, jobs, train, val, &test, kClasses, t, batch));
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  seconds /= static_cast<double>(state.iterations());
  state.counters["batch"] = batch > 0 ? static_cast<double>(batch)
                                      : static_cast<double>(search::automatic_batch_size(
                                            cands[0], rows, 1000, kBlocks * features, kClasses, 4, threads));
  state.counters["candidates_per_s"] = static_cast<double>(kCandidates) / seconds;
  state.counters["peak_extra_MB"] = mem.extra_mb();
  auto& base = one_at_a_time_seconds();
  if (batch == 1) base[{rows, features, threads}] = seconds;
  else if (base.count({rows, features, threads})) state.counters["x_one_at_a_time"] = base[{rows, features, threads}] / seconds;
}

// Per shape and thread count: one at a time first, so the automatic batch can report its
// speed-up over it; then fixed batches at Cora's proxy shape, which show where batching stops
// paying (kBatchCacheBytes).
void proxy_search_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"rows", "features", "batch", "threads"});
  for (auto [rows, features] : {std::pair<int, int>{49, 1433}, {140, 1433}, {49, 64}})
    for (int threads : {1, 2})
      for (int batch : {1, 0}) b->Args({rows, features, batch, threads});
  for (int batch : {2, 4, 8, 16, 80}) b->Args({49, 1433, batch, 1});
  for (int batch : {2, 4}) b->Args({49, 1433, batch, 2});
}

// One optimiser step over the stacked weights of a batch of 4 Cora-proxy candidates (blocks
// 4 × 4299 × 32, 4 × 1 × 32, 4 × 32 × 7, 4 × 1 × 7, gradients given): LibTorch's Adam (0), the
// route before, against FusedAdam (1), which the batched search now uses. Same run, same data.
void BM_StackedAdamStep(benchmark::State& state) {
  const bool fused = state.range(0) == 1;
  at::set_num_threads(1);
  torch::manual_seed(7);
  std::vector<torch::Tensor> params, grads;
  for (auto shape : {std::vector<std::int64_t>{4, kBlocks * 1433, 32}, {4, 1, 32}, {4, 32, kClasses}, {4, 1, kClasses}}) {
    params.push_back(torch::randn(shape).requires_grad_());
    grads.push_back(torch::randn(shape) * 1e-2);
  }
  auto give_gradients = [&] {
    for (std::size_t i = 0; i < params.size(); ++i) params[i].mutable_grad() = grads[i].clone();
  };
  hypergrad::FusedAdamOptions fo;
  fo.lr = 0.01;
  fo.weight_decay = 5e-4;
  hypergrad::FusedAdam fused_opt(params, fo);
  torch::optim::Adam torch_opt(params, torch::optim::AdamOptions(0.01).weight_decay(5e-4));
  for (auto _ : state) {
    state.PauseTiming();
    give_gradients();
    state.ResumeTiming();
    if (fused) fused_opt.step();
    else torch_opt.step();
  }
  state.SetLabel(fused ? "fused" : "libtorch");
}

BENCHMARK(BM_StackedAdamStep)->ArgName("fused")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_ProxySearch)
    ->Apply(proxy_search_args)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(false)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
