#include "hcdc/run/condense_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/condense/dense_graph_proxy.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/config/in_section.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/stop_signal.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/dist/nccl_communicator.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"
#include "hcdc/io/checkpoint_store.hpp"
#include "hcdc/io/run_lock.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/run/experiment_task.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/run/hcdc_driver.hpp"
#include "hcdc/run/shared_dataset.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;


// A job that asks for NCCL on a node without a usable GPU is a configuration error of that job:
// one line naming the setting, exit 2 (every rank finds the same).
std::unique_ptr<dist::Communicator> make_communicator(const JobSpec& job) {
  if (job.experiment.dist.backend != "nccl") return dist::make_communicator_from_environment();
  if (dist::visible_cuda_devices() < 1)
    throw InputError(job.file, "dist.backend", "\"nccl\" needs a CUDA device on every rank and this one sees none; use \"mpi\"");
  return dist::make_nccl_communicator();
}

}  // namespace

int run_condense(const JobSpec& job, const CondenseRequest& req) {
  const ExperimentSpec& e = job.experiment;
  check_methods_fit_family(e, {req.method}, job.file, "--method", /*in_experiment=*/false);
  auto comm = make_communicator(job);
  configure_threads(job.threads);
  const std::string dataset = prepare_dataset_on_rank0(*comm, job);

  const bool message_passing = search::is_message_passing(e.space.family);
  // Image jobs read their [images] subset of the image set, as `hcdc run` does.
  condense::GraphTask task = search::is_image_family(e.space.family)
                                 ? load_experiment_task(*comm, job, dataset)
                                 : load_graph_task(*comm, e.dist.share_on_node, dataset, e.space.basis, e.space.order,
                                                   e.evaluate.normalize_features, message_passing);
  auto cands = search::make_candidates(e.space);
  double budget = req.budget.value_or(e.budgets.at(0));
  std::int64_t seed = req.seed.value_or(e.seeds.at(0));
  condense::CondenseSettings cs = condense_settings(e, req.method, budget, task.num_nodes, seed,
                                                    trajectory_subset(e, cands, job.seed));
  const auto c_train = cs.c_train, c_val = cs.c_val;
  // Refused before any work: a budget the pool cannot split would otherwise fail after S_train's
  // condensation, when S_val's turn comes.
  if (auto why = condense::infeasibility(task, cs); !why.empty())
    throw InputError(job.file, req.budget ? "--budget" : "condense.budgets",
                     fmt::format("{} at {:.4g}% (c_train {}, c_val {}): {}", req.method, 100 * budget, c_train, c_val, why));
  const std::string out_path = fmt::format("{}/condensed-{}.h5", job.output_dir, req.method);
  fs::create_directories(job.output_dir);
  std::optional<io::RunLock> lock;  // one writer per output folder
  if (comm->rank() == 0) lock.emplace(job.output_dir);

  if (!condense::methods().at(req.method).learns_validation) {
    if (comm->rank() == 0) {
      auto pair = config::in_section(job.file, "condense", [&] { return condense::condense(task, cs); });
      // Message passing: the file holds node features and the graph the candidates train on.
      if (message_passing && pair.s_train_rows.defined())
        pair = condense::structured_pair(condense::induced_subgraph_proxy(task, pair.s_train_rows, pair.s_val_rows), pair);
      write_condensed_pair(out_path, pair, job, dataset, req.method, c_train, seed, task.num_classes);
      fmt::print("condense: {} |S_train| {} |S_val| {} in {:.1f}s; wrote {}\n", req.method, pair.s_train.y.numel(),
                 pair.s_val.y.numel(), pair.seconds, out_path);
    }
    comm->barrier();
    return kExitOk;
  }

  const auto p = static_cast<std::int64_t>(cs.hcdc_trajectories.size());
  if (p < comm->size())
    throw InputError(job.file, "hcdc.trajectories",
                     fmt::format("{} ranks but only {} trajectories: every rank needs at least one", comm->size(), p));
  auto start = condense::prepare_hcdc(task, cs);
  condense::HcdcLearner learner(start.data, cs.hcdc_trajectories, owned_trajectories(p, *comm), start.s_val_init,
                                e.hcdc, cs.seed,
                                dist::make_reducer(*comm, e.dist.deterministic));
  const std::string digest = run_digest(job.config_digest, req.method, budget, seed);
  io::CheckpointStore store(e.dist.checkpoint_dir.empty() ? job.output_dir + "/checkpoints" : e.dist.checkpoint_dir,
                            e.dist.keep);
  if (comm->rank() == 0)
    spdlog::info("hcdc: {} trajectories on {} ranks ({} backend{}), {} steps; |S_train| {} |S_val| {}", p, comm->size(),
                 comm->backend(), e.dist.deterministic ? ", deterministic" : "", learner.total_steps(), c_train, c_val);
  const DriveResult r = drive_hcdc(*comm, learner, store, e.dist, e.hcdc.lambda_every, digest,
                                   static_cast<std::int64_t>(job.seed), job.text,
                                   req.resume ? Resume::kRequired : Resume::kNever, "hcdc");
  if (r.stopped) {
    if (comm->rank() == 0) spdlog::warn("resume with --resume");
    return kExitPreempted;
  }
  const std::int64_t steps = r.steps;
  const double seconds = r.seconds, bytes_per_step = r.bytes_per_step;
  const double comm_min = r.comm_seconds_min, comm_max = r.comm_seconds_max;
  if (comm->rank() == 0 && learner.skipped_solves() > 0)
    spdlog::warn("hcdc: {} of {} hypergradient solves diverged and were left out of the S_val gradient (written to "
                 "{} as run metrics; `hcdc run` refuses a run above hcdc.max_diverged_share = {})",
                 learner.skipped_solves(), learner.solves(), out_path, e.max_diverged_share);
  if (comm->rank() == 0) {
    write_condensed_pair(out_path, condense::finished_pair(start, learner, seconds), job, dataset, "hcdc", c_train, seed, task.num_classes,
                 {{"ranks", comm->size()},
                  {"steps", static_cast<double>(steps)},
                  {"seconds", seconds},
                  {"seconds_per_step", seconds / static_cast<double>(std::max<std::int64_t>(steps, 1))},
                  {"bytes_per_step", bytes_per_step},
                  {"comm_seconds_min", comm_min},
                  {"comm_seconds_max", comm_max},
                  {"deterministic", e.dist.deterministic ? 1.0 : 0.0},
                  {"solves", learner.solves()},
                  {"skipped_solves", learner.skipped_solves()}});
    fmt::print("condense: hcdc on {} ranks: {} steps in {:.2f}s ({:.3f} s/step), {:.0f} bytes communicated per step, "
               "{:.2f}..{:.2f}s in collectives; final alignment loss {:.4f}; wrote {}\n",
               comm->size(), steps, seconds, seconds / std::max<std::int64_t>(steps, 1), bytes_per_step, comm_min, comm_max,
               learner.alignment_history().empty() ? std::nan("") : learner.alignment_history().back(), out_path);
  }
  comm->barrier();
  return kExitOk;
}

}  // namespace hcdc::run
