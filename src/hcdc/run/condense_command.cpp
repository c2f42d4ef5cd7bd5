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

#include "hcdc/condense/condensers.hpp"
#include "hcdc/core/digest.hpp"
#include "hcdc/core/stop_signal.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/run/condensed_output.hpp"
#include "hcdc/run/shared_dataset.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/dist/nccl_communicator.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"
#include "hcdc/io/checkpoint_store.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;


// Collective: every rank contributes its trajectories; rank 0 writes the file.
void save_checkpoint(dist::Communicator& comm, io::CheckpointStore& store, const condense::HcdcLearner& l,
                     const JobSpec& job, const std::string& digest) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string mine;
  for (std::size_t k = 0; k < l.owned().size(); ++k) {
    std::string blob = l.serialize_trajectory(k);
    std::uint64_t n = blob.size();
    mine.append(reinterpret_cast<const char*>(&n), sizeof n);
    mine += blob;
  }
  auto all = comm.allgather_bytes(mine);
  if (comm.rank() == 0) {
    io::Checkpoint c;
    c.step = l.steps_done();
    c.seed = static_cast<std::int64_t>(job.seed);
    c.num_ranks = comm.size();
    c.config = job.text;
    c.config_digest = digest;
    auto s = l.s_val().detach().to(torch::kDouble).contiguous();
    c.state["s_val"] = {std::vector<std::int64_t>(s.sizes().begin(), s.sizes().end()),
                        std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel()), {}, {}};
    std::string opt = l.serialize_sval_optimizer();
    c.state["s_val_optimizer"] = {{static_cast<std::int64_t>(opt.size())}, {}, {}, {opt.begin(), opt.end()}};
    c.state["counters"] = {{3}, {}, {l.outer(), l.t(), l.skipped_solves()}, {}};
    auto h = l.alignment_history();
    if (!h.empty()) c.state["alignment_history"] = {{static_cast<std::int64_t>(h.size())}, h, {}, {}};
    for (const auto& part : all) {
      std::size_t pos = 0;
      while (pos < part.size()) {
        std::uint64_t n = 0;
        std::memcpy(&n, part.data() + pos, sizeof n);
        pos += sizeof n;
        std::string blob = part.substr(pos, n);
        pos += n;
        std::int64_t index = std::stoll(blob.substr(0, blob.find(' ')));
        c.state[fmt::format("trajectory/{:06d}", index)] = {{static_cast<std::int64_t>(n)}, {}, {}, {blob.begin(), blob.end()}};
      }
    }
    std::string path = store.save(c);
    spdlog::info("checkpoint: step {} -> {} ({:.2f}s)", c.step, path,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  comm.barrier();
}

void restore_checkpoint(const io::Checkpoint& c, condense::HcdcLearner& l) {
  auto bytes = [&](const std::string& key) {
    const auto& a = c.state.at(key);
    return std::string(a.u8.begin(), a.u8.end());
  };
  const auto& counters = c.state.at("counters").i64;
  const auto& sv = c.state.at("s_val");
  std::vector<double> history;
  if (c.state.count("alignment_history")) history = c.state.at("alignment_history").f64;
  l.restore(torch::tensor(sv.f64, torch::kDouble).view(sv.dims), bytes("s_val_optimizer"), static_cast<int>(counters[0]),
            static_cast<int>(counters[1]), history, static_cast<int>(counters[2]));
  for (std::size_t k = 0; k < l.owned().size(); ++k)
    l.restore_trajectory(k, bytes(fmt::format("trajectory/{:06d}", l.owned()[k])));
}

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
  auto comm = make_communicator(job);
  configure_threads(job.threads);
  const std::string dataset = prepare_dataset_on_rank0(*comm, job);

  condense::GraphTask task =
      condense::make_graph_task(dataset, e.space.basis, e.space.order, e.evaluate.normalize_features);
  auto cands = search::make_candidates(e.space, job.file);
  double budget = req.budget.value_or(e.budgets.at(0));
  std::int64_t seed = req.seed.value_or(e.seeds.at(0));
  condense::CondenseSettings cs = condense_settings(e, req.method, budget, task.num_nodes, seed,
                                                    trajectory_subset(e, cands, job.seed), job.file);
  const auto c_train = cs.c_train, c_val = cs.c_val;
  const std::string out_path = fmt::format("{}/condensed-{}.h5", job.output_dir, req.method);
  fs::create_directories(job.output_dir);

  if (req.method != "hcdc") {
    if (comm->rank() == 0) {
      auto pair = condense::condense(task, cs);
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
  auto [b, en] = dist::owned_range(p, comm->rank(), comm->size());
  std::vector<std::int64_t> owned;
  for (auto i = b; i < en; ++i) owned.push_back(i);
  condense::HcdcLearner learner(start.data, cs.hcdc_trajectories, owned, start.s_val_init, e.hcdc, cs.seed,
                                dist::make_reducer(*comm, e.dist.deterministic));
  const std::string digest = string_digest(fmt::format("{}|{}|{}|{}", job.config_digest, req.method, budget, seed));
  io::CheckpointStore store(e.dist.checkpoint_dir.empty() ? job.output_dir + "/checkpoints" : e.dist.checkpoint_dir,
                            e.dist.keep);
  if (req.resume) {
    std::string from;
    auto ck = store.newest_valid(digest, &from);
    if (!ck) throw InputError(store.dir(), "--resume", "no valid checkpoint to resume from");
    restore_checkpoint(*ck, learner);
    if (comm->rank() == 0)
      spdlog::info("resumed from {} (step {}, written by {} ranks, now {})", from, ck->step, ck->num_ranks, comm->size());
  } else if (fs::is_directory(store.dir()) && !fs::is_empty(store.dir())) {
    throw InputError(store.dir(), "--resume",
                     "checkpoints of an earlier run exist: pass --resume to continue it, or remove the folder");
  }
  install_stop_handlers();

  if (comm->rank() == 0)
    spdlog::info("hcdc: {} trajectories on {} ranks ({} backend{}), {} steps; |S_train| {} |S_val| {}", p, comm->size(),
                 comm->backend(), e.dist.deterministic ? ", deterministic" : "", learner.total_steps(), c_train, c_val);
  Progress progress("hcdc", learner.total_steps() - learner.steps_done());
  auto t0 = std::chrono::steady_clock::now();
  const auto bytes0 = comm->bytes_communicated();
  const double comm_seconds0 = comm->seconds_communicating();
  std::int64_t steps = 0;
  while (!learner.finished()) {
    // Ranks synchronise only where they must — the S_val update every T_λ steps — and agree on
    // stopping and compare checksums there too. A collective on every step would make each step
    // wait for the slower rank and add up both ranks' jitter; between sync points it averages out.
    const bool sync_point = learner.t() % e.hcdc.lambda_every == 0;
    // Every rank learns of a signal caught by any rank at the next sync point.
    if (sync_point && comm->allreduce_max(stop_signal()) != 0) {
      save_checkpoint(*comm, store, learner, job, digest);
      if (comm->rank() == 0) spdlog::warn("stopped by a signal at step {}; resume with --resume", learner.steps_done());
      return kExitPreempted;
    }
    learner.step();
    ++steps;
    if (comm->rank() == 0) progress.step();
    const bool check = e.dist.checksum_every > 0 ? learner.steps_done() % e.dist.checksum_every == 0
                                                 : learner.t() % e.hcdc.lambda_every == 0;
    if (check) {
      auto sv = learner.s_val().detach().contiguous();
      Crc32 crc;
      crc.update(sv.data_ptr(), static_cast<std::size_t>(sv.numel() * sv.element_size()));
      auto all = comm->allgather_bytes(crc.hex());
      for (const auto& other : all)
        if (other != all[0])
          throw std::runtime_error(fmt::format("S_val differs across ranks at step {} ({} vs {})", learner.steps_done(),
                                               all[0], other));
    }
    if (e.dist.checkpoint_every > 0 && learner.steps_done() % e.dist.checkpoint_every == 0 && !learner.finished())
      save_checkpoint(*comm, store, learner, job, digest);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double bytes_per_step = steps > 0 ? static_cast<double>(comm->bytes_communicated() - bytes0) / static_cast<double>(steps) : 0;
  // Time inside collectives on each rank (before this gather): min ≈ communication, max − min ≈ imbalance.
  double comm_min = comm->seconds_communicating() - comm_seconds0, comm_max = comm_min;
  for (const auto& s : comm->allgather_bytes(fmt::format("{:a}", comm_min))) {
    comm_min = std::min(comm_min, std::strtod(s.c_str(), nullptr));
    comm_max = std::max(comm_max, std::strtod(s.c_str(), nullptr));
  }
  if (comm->rank() == 0 && learner.skipped_solves() > 0)
    spdlog::warn("hcdc: {} of {} hypergradient solves diverged and were left out of the S_val gradient (written to "
                 "{} as run metrics; `hcdc run` refuses a run above hcdc.max_diverged_share = {})",
                 learner.skipped_solves(), learner.solves(), out_path, e.max_diverged_share);
  if (comm->rank() == 0) {
    condense::CondensedPair pair;
    pair.s_train = start.data.s_train;
    pair.s_val = {learner.s_val().detach(), start.data.s_val_y};
    write_condensed_pair(out_path, pair, job, dataset, "hcdc", c_train, seed, task.num_classes,
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
