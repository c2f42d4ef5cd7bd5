#include "hcdc/run/hcdc_driver.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/stop_signal.hpp"

namespace hcdc::run {
namespace {

namespace fs = std::filesystem;

// Collective: every rank contributes its trajectories; rank 0 writes the file.
void save_checkpoint(dist::Communicator& comm, io::CheckpointStore& store, const condense::HcdcLearner& l,
                     std::int64_t seed, const std::string& config, const std::string& digest) {
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
    c.seed = seed;
    c.num_ranks = comm.size();
    c.config = config;
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

}  // namespace

std::vector<std::int64_t> owned_trajectories(std::int64_t p, const dist::Communicator& comm) {
  auto [b, e] = dist::owned_range(p, comm.rank(), comm.size());
  std::vector<std::int64_t> owned;
  for (auto i = b; i < e; ++i) owned.push_back(i);
  return owned;
}

std::string run_digest(const std::string& config_digest, const std::string& method, double budget, std::int64_t seed) {
  return string_digest(fmt::format("{}|{}|{}|{}", config_digest, method, budget, seed));
}

DriveResult drive_hcdc(dist::Communicator& comm, condense::HcdcLearner& learner, io::CheckpointStore& store,
                       const DistSpec& dist, int lambda_every, const std::string& digest, std::int64_t seed,
                       const std::string& config, Resume resume, const std::string& progress_name) {
  DriveResult out;
  const bool have_checkpoints = fs::is_directory(store.dir()) && !fs::is_empty(store.dir());
  if (resume == Resume::kRequired || (resume == Resume::kIfPresent && have_checkpoints)) {
    auto ck = store.newest_valid(digest, &out.resumed_from);
    if (!ck && resume == Resume::kRequired)
      throw InputError(store.dir(), "--resume", "no valid checkpoint to resume from");
    if (ck) {
      restore_checkpoint(*ck, learner);
      if (comm.rank() == 0)
        spdlog::info("resumed from {} (step {}, written by {} ranks, now {})", out.resumed_from, ck->step,
                     ck->num_ranks, comm.size());
    }
  } else if (resume == Resume::kNever && have_checkpoints) {
    throw InputError(store.dir(), "--resume",
                     "checkpoints of an earlier run exist: pass --resume to continue it, or remove the folder");
  }
  install_stop_handlers();

  Progress progress(progress_name, learner.total_steps() - learner.steps_done());
  auto t0 = std::chrono::steady_clock::now();
  const auto bytes0 = comm.bytes_communicated();
  const double comm_seconds0 = comm.seconds_communicating();
  while (!learner.finished()) {
    // Ranks synchronise only where they must — the S_val update every T_λ steps — and agree on
    // stopping and compare checksums there too. A collective on every step would make each step
    // wait for the slower rank and add up both ranks' jitter; between sync points it averages out.
    const bool sync_point = learner.t() % lambda_every == 0;
    // Every rank learns of a signal caught by any rank at the next sync point.
    if (sync_point && comm.allreduce_max(stop_signal()) != 0) {
      save_checkpoint(comm, store, learner, seed, config, digest);
      if (comm.rank() == 0) spdlog::warn("stopped by a signal at step {} (checkpointed)", learner.steps_done());
      out.stopped = true;
      return out;
    }
    learner.step();
    ++out.steps;
    if (comm.rank() == 0) progress.step();
    const bool check = dist.checksum_every > 0 ? learner.steps_done() % dist.checksum_every == 0
                                               : learner.t() % lambda_every == 0;
    if (check && comm.size() > 1) {
      auto sv = learner.s_val().detach().contiguous();
      Crc32 crc;
      crc.update(sv.data_ptr(), static_cast<std::size_t>(sv.numel() * sv.element_size()));
      auto all = comm.allgather_bytes(crc.hex());
      for (const auto& other : all)
        if (other != all[0])
          throw std::runtime_error(fmt::format("S_val differs across ranks at step {} ({} vs {})", learner.steps_done(),
                                               all[0], other));
    }
    if (dist.checkpoint_every > 0 && learner.steps_done() % dist.checkpoint_every == 0 && !learner.finished())
      save_checkpoint(comm, store, learner, seed, config, digest);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.bytes_per_step =
      out.steps > 0 ? static_cast<double>(comm.bytes_communicated() - bytes0) / static_cast<double>(out.steps) : 0;
  // Time inside collectives on each rank (before this gather): min ≈ communication, max − min ≈ imbalance.
  out.comm_seconds_min = comm.seconds_communicating() - comm_seconds0;
  out.comm_seconds_max = out.comm_seconds_min;
  for (const auto& s : comm.allgather_bytes(fmt::format("{:a}", out.comm_seconds_min))) {
    out.comm_seconds_min = std::min(out.comm_seconds_min, std::strtod(s.c_str(), nullptr));
    out.comm_seconds_max = std::max(out.comm_seconds_max, std::strtod(s.c_str(), nullptr));
  }
  return out;
}

}  // namespace hcdc::run
