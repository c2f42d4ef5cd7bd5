// Where one HCDC outer iteration's time goes: the Table-2 job's settings (20 trajectories of the
// decoupled family, hidden 32, 2 layers; c_train 49, c_val 20; 60 θ steps with a λ/S_val update
// every 20; Neumann K = 5, α = 0.5) on Cora. A plain step trains every trajectory one Adam step on
// S_train; an update step does that and then every trajectory's contribution (the hypergradient
// on S, the one on the original data, and the adjoint data gradient on S_val). Reported: seconds
// per outer iteration, the share spent training, and milliseconds per contribution.
//
// Argument: threads (the worker threads the trajectories run on). Data: $HCDC_CORA_H5, else
// build/tests/data/cora.h5, else a generated cSBM graph of Cora's size (the label says which).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <numeric>

#include "torch_profile.hpp"
#include "hcdc/condense/condensers.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/data/graph.hpp"
#include "hcdc/dist/reducer.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/search/search_space.hpp"

namespace {

using namespace hcdc;

struct Setup {
  std::string source;
  condense::GraphTask task;
  condense::CondenseSettings settings;

  Setup() {
    const char* env = std::getenv("HCDC_CORA_H5");
    std::string path = env ? env : HCDC_DEFAULT_CORA_H5;
    source = "cora";
    if (!std::filesystem::exists(path)) {
      data::CsbmOptions o;
      o.num_nodes = 2708;
      o.num_classes = 7;
      o.num_features = 1433;
      o.avg_degree = 3.9;
      path = (std::filesystem::temp_directory_path() / "hcdc-bench-csbm.h5").string();
      data::write_graph(path, data::generate_csbm(o), {0, "bench", "csbm"});
      source = "csbm-cora-size";
    }
    task = run::load_graph_task(path, "monomial", 2, true);
    settings.method = "hcdc";
    settings.c_train = 49;
    settings.c_val = 20;
    settings.seed = 0;
    settings.hcdc.outer_iterations = 1;
    settings.hcdc.trajectory_steps = 60;
    settings.hcdc.lambda_every = 20;
    settings.hcdc.sval_lr = 1e-4;  // the job's rate since S_val starts from real rows (hcdc.sval_start)
    settings.hcdc.solver = condense::kHcdcSolverDefaults;
    search::SearchSpaceSpec sp;
    sp.hidden = 32;
    auto cands = search::make_candidates(sp);
    cands.resize(20);
    settings.hcdc_trajectories = cands;
  }
};

Setup& setup() {
  static Setup s;
  return s;
}

void BM_HcdcOuterIteration(benchmark::State& state) {
  Setup& s = setup();
  at::set_num_threads(static_cast<int>(state.range(0)));
  const condense::HcdcStart start = condense::prepare_hcdc(s.task, s.settings);
  std::vector<std::int64_t> owned(s.settings.hcdc_trajectories.size());
  std::iota(owned.begin(), owned.end(), 0);
  double plain = 0, update = 0;
  int plain_steps = 0, update_steps = 0;
  bench::TorchProfileScope profile;
  for (auto _ : state) {
    condense::HcdcLearner learner(start.data, s.settings.hcdc_trajectories, owned, start.s_val_init, s.settings.hcdc,
                                  s.settings.seed, dist::local_reducer());
    for (int t = 0; t < s.settings.hcdc.trajectory_steps; ++t) {
      const bool is_update = t % s.settings.hcdc.lambda_every == s.settings.hcdc.lambda_every - 1;
      auto t0 = std::chrono::steady_clock::now();
      learner.step();
      const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      (is_update ? update : plain) += dt;
      ++(is_update ? update_steps : plain_steps);
    }
  }
  const double per_plain = plain / plain_steps, iterations = static_cast<double>(state.iterations());
  const double outer = (plain + update) / iterations;
  const double contributions = (update - per_plain * update_steps) / iterations;  // all updates of one outer iteration
  const double per_outer_contributions = static_cast<double>(s.settings.hcdc_trajectories.size()) *
                                         (s.settings.hcdc.trajectory_steps / s.settings.hcdc.lambda_every);
  state.counters["outer_s"] = outer;
  state.counters["training_share"] = (outer - contributions) / outer;
  state.counters["contribution_ms"] = 1e3 * contributions / per_outer_contributions;
  state.counters["train_step_ms"] = 1e3 * per_plain / static_cast<double>(s.settings.hcdc_trajectories.size());
  state.SetLabel(s.source);
}

BENCHMARK(BM_HcdcOuterIteration)->ArgName("threads")->Arg(1)->Arg(2)->Iterations(2)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
