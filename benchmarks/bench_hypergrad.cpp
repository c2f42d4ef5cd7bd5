// One hypergradient on Cora (2-layer graph filter GNN, hidden 64, 3 filter terms k = 0..2) with
// Neumann K ∈ {5, 10, 20} and CG, against one training step, in the same run. Reported per
// benchmark: time per call, the extra peak resident memory over the resident set before the
// call, and both as ratios to one training step. The features are a sparse matrix, as `hcdc hpo`
// uses them (models/sparse_features.hpp) and their products (and the graph's) go through
// models::SparseMatrix; the Coo benchmarks are the same through LibTorch's COO torch::mm (the route
// before SparseMatrix), BM_DenseFeaturesNeumann with dense features. Ratios are to the training
// step of the same route (the dense route's: to the SparseMatrix step).
// Neumann runs without the residual check, as the condensation loop (and hypertorch) do.
//
// Data: $HCDC_CORA_H5, else build/tests/data/cora.h5 (written by the test suite's import_cora),
// else a generated cSBM graph of Cora's size (the label says which). Threads: $HCDC_BENCH_THREADS
// (default 1).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "cora_filter_problem.hpp"
#include "peak_memory.hpp"
#include "torch_profile.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/hypergrad/second_order.hpp"

namespace {

using namespace hcdc;
using bench::CoraFilterProblem;
using bench::make_cora_filter_problem;
using bench::reset_peak_rss;
using bench::status_kb;

struct Setup {
  std::string source;
  std::shared_ptr<models::ClassificationProblem> problem;
  std::shared_ptr<models::ClassificationProblem> dense_problem;  // the same with dense features
  std::shared_ptr<models::ClassificationProblem> coo_problem;    // the same with LibTorch's COO products
  torch::Tensor theta, lambda;
  double step_seconds = 0, step_extra_mb = 0, coo_step_seconds = 0;

  double measure_step(const models::ClassificationProblem& p, double* extra_mb) {
    hypergrad::InnerOptions one{"adam", 0.01, 0, 1};
    hypergrad::train_theta(p, theta, lambda, one);  // warm-up
    reset_peak_rss();
    double rss0 = status_kb("VmRSS");
    auto t0 = std::chrono::steady_clock::now();
    const int reps = 10;
    for (int i = 0; i < reps; ++i) hypergrad::train_theta(p, theta, lambda, one);
    if (extra_mb) *extra_mb = (status_kb("VmHWM") - rss0) / 1024.0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
  }

  Setup() {
    // 1 thread unless HCDC_BENCH_THREADS says otherwise (compare-hypergrad.sh runs both sides at 1).
    const char* threads = std::getenv("HCDC_BENCH_THREADS");
    at::set_num_threads(threads ? std::max(std::atoi(threads), 1) : 1);
    const char* env = std::getenv("HCDC_CORA_H5");
    std::string path = env ? env : HCDC_DEFAULT_CORA_H5;
    data::Graph g;
    if (std::filesystem::exists(path)) {
      g = data::read_graph(path);
      source = "cora";
    } else {
      data::CsbmOptions o;
      o.num_nodes = 2708;
      o.num_classes = 7;
      o.num_features = 1433;
      o.avg_degree = 3.9;
      g = data::generate_csbm(o);
      source = "csbm-cora-size";
    }
    CoraFilterProblem p = make_cora_filter_problem(g, torch::kFloat);
    source += p.sparse_features ? "-sparse-features" : "";
    problem = p.problem;
    dense_problem = p.dense_problem;
    coo_problem = p.coo_problem;
    theta = p.theta;
    lambda = p.lambda;
    // Baseline: one optimiser step (forward + backward + update) on the same problem, per route.
    step_seconds = measure_step(*problem, &step_extra_mb);
    coo_step_seconds = measure_step(*coo_problem, nullptr);
  }
};

Setup& setup() {
  static Setup s;
  return s;
}

// Ratios are to the training step of the same route.
void report(benchmark::State& state, double seconds_per_call, double extra_mb, bool coo) {
  Setup& s = setup();
  state.counters["peak_extra_MB"] = extra_mb;
  state.counters["time_x_train_step"] = seconds_per_call / (coo ? s.coo_step_seconds : s.step_seconds);
  state.counters["mem_x_train_step"] = extra_mb / std::max(s.step_extra_mb, 1e-3);
  state.SetLabel(s.source);
}

// How the sparse products are taken: models::SparseMatrix (as `hcdc hpo` does), LibTorch's COO
// torch::mm (the route before it), or dense features (as before sparse input).
enum class Route { kSparseMatrix, kCoo, kDense };

const models::ClassificationProblem& problem_of(Route r) {
  Setup& s = setup();
  return r == Route::kDense ? *s.dense_problem : r == Route::kCoo ? *s.coo_problem : *s.problem;
}

void train_step(benchmark::State& state, Route route) {
  Setup& s = setup();
  const models::ClassificationProblem& problem = problem_of(route);
  hypergrad::InnerOptions one{"adam", 0.01, 0, 1};
  reset_peak_rss();
  double rss0 = status_kb("VmRSS");
  auto t0 = std::chrono::steady_clock::now();
  std::int64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(hypergrad::train_theta(problem, s.theta, s.lambda, one));
    ++n;
  }
  double per = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / static_cast<double>(n);
  report(state, per, (status_kb("VmHWM") - rss0) / 1024.0, route == Route::kCoo);
}

void BM_TrainStep(benchmark::State& state) { train_step(state, Route::kSparseMatrix); }
void BM_CooTrainStep(benchmark::State& state) { train_step(state, Route::kCoo); }

void run_hypergradient(benchmark::State& state, const hypergrad::SolverOptions& o, Route route = Route::kSparseMatrix) {
  Setup& s = setup();
  const models::ClassificationProblem& problem = problem_of(route);
  reset_peak_rss();
  double rss0 = status_kb("VmRSS");
  auto t0 = std::chrono::steady_clock::now();
  std::int64_t n = 0;
  bench::TorchProfileScope profile;
  for (auto _ : state) {
    try {
      auto g = hypergrad::hypergradient(problem, s.theta, s.lambda, o);
      benchmark::DoNotOptimize(g.total);
      if (o.measure_residual) state.counters["residual"] = g.solve.relative_residual;
      state.counters["iterations"] = g.solve.iterations;
    } catch (const hypergrad::SolverDiverged& e) {
      state.SkipWithError(e.what());
      return;
    }
    ++n;
  }
  double per = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / static_cast<double>(n);
  report(state, per, (status_kb("VmHWM") - rss0) / 1024.0, route == Route::kCoo);
}

void run_neumann(benchmark::State& state, Route route) {
  hypergrad::SolverOptions o;
  o.kind = hypergrad::SolverKind::kNeumann;
  o.neumann_terms = static_cast<int>(state.range(0));
  o.neumann_alpha = 0.01;
  o.measure_residual = false;  // as in the condensation loop, and as hypertorch's neumann()
  run_hypergradient(state, o, route);
}

void BM_HypergradNeumann(benchmark::State& state) { run_neumann(state, Route::kSparseMatrix); }
// The same Neumann hypergradient through LibTorch's COO products (before models::SparseMatrix).
void BM_CooProductsNeumann(benchmark::State& state) { run_neumann(state, Route::kCoo); }
// The same with the features as a dense matrix (as before sparse input).
void BM_DenseFeaturesNeumann(benchmark::State& state) { run_neumann(state, Route::kDense); }

void BM_HypergradCG(benchmark::State& state) {
  hypergrad::SolverOptions o;
  o.kind = hypergrad::SolverKind::kConjugateGradient;
  o.cg_max_iterations = static_cast<int>(state.range(0));
  o.cg_tolerance = 1e-6;
  run_hypergradient(state, o);
}

// Where one Neumann hypergradient's time goes, part by part (hypergrad/hypergradient.cpp): the
// fixed part is SecondOrder's set-up (L_train and L_val from one forward, ∇θ L_train with
// create_graph), ∇ L_val and the mixed product M z; each Neumann term is one Hessian-vector
// product. Counters in milliseconds and in training steps.
void hypergradient_parts(benchmark::State& state, Route route) {
  Setup& s = setup();
  const models::ClassificationProblem& problem = problem_of(route);
  double setup_s = 0, val_s = 0, hvp_s = 0, mixed_s = 0;
  std::int64_t n = 0;
  auto since = [](std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    hypergrad::SecondOrder so(problem, s.theta, s.lambda, /*with_val_loss=*/true, /*with_mixed_t=*/false);  // as hypergradient()
    setup_s += since(t0);
    t0 = std::chrono::steady_clock::now();
    auto g = torch::autograd::grad({so.val_loss()}, {so.theta(), so.lambda()}, {}, true, false, true);
    val_s += since(t0);
    t0 = std::chrono::steady_clock::now();
    torch::Tensor v = so.hvp(g[0]);
    hvp_s += since(t0);
    t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(so.mixed_times(v));
    mixed_s += since(t0);
    ++n;
  }
  const double k = 1e3 / static_cast<double>(n);
  const double step_ms = (route == Route::kCoo ? s.coo_step_seconds : s.step_seconds) * 1e3;  // the route's own step
  state.counters["setup_ms"] = setup_s * k;
  state.counters["val_grad_ms"] = val_s * k;
  state.counters["hvp_ms"] = hvp_s * k;
  state.counters["mixed_ms"] = mixed_s * k;
  state.counters["fixed_x_train_step"] = (setup_s + val_s + mixed_s) * k / step_ms;
  state.counters["hvp_x_train_step"] = hvp_s * k / step_ms;
  state.SetLabel(s.source);
}

void BM_HypergradParts(benchmark::State& state) { hypergradient_parts(state, Route::kSparseMatrix); }
void BM_CooHypergradParts(benchmark::State& state) { hypergradient_parts(state, Route::kCoo); }

BENCHMARK(BM_TrainStep)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CooTrainStep)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HypergradParts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CooHypergradParts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HypergradNeumann)->Arg(5)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CooProductsNeumann)->Arg(5)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DenseFeaturesNeumann)->Arg(5)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HypergradCG)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
