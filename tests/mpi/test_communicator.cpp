// Collectives and the trajectory reduction under a real mpirun (2 and 3 ranks). A failing
// assertion on any rank makes that rank exit non-zero, which fails the mpirun and the test.
#include <gtest/gtest.h>
#include <mpi.h>

#include "hcdc/dist/communicator.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"
#include "hcdc/run/row_exchange.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "hcdc/core/error.hpp"

namespace {

using namespace hcdc;

TEST(Mpi, AllreduceSumsEveryRank) {
  auto comm = dist::make_mpi_communicator();
  ASSERT_GE(comm->size(), 2) << "run under mpirun with 2+ ranks";
  auto t = torch::full({5}, static_cast<double>(comm->rank() + 1), torch::kDouble);
  comm->allreduce_sum(t);
  double expect = comm->size() * (comm->size() + 1) / 2.0;
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(t[i].item<double>(), expect);
  EXPECT_EQ(comm->allreduce_max(comm->rank()), comm->size() - 1);
}

TEST(Mpi, AllgatherBytesKeepsRankOrderAndLengths) {
  auto comm = dist::make_mpi_communicator();
  std::string mine(static_cast<std::size_t>(comm->rank() + 1), static_cast<char>('a' + comm->rank()));
  auto all = comm->allgather_bytes(mine);
  ASSERT_EQ(static_cast<int>(all.size()), comm->size());
  for (int r = 0; r < comm->size(); ++r)
    EXPECT_EQ(all[static_cast<std::size_t>(r)], std::string(static_cast<std::size_t>(r + 1), static_cast<char>('a' + r)));
}

TEST(Mpi, TimeInCollectivesCountsWaitingForASlowerRank) {
  auto comm = dist::make_mpi_communicator();
  comm->barrier();
  const double before = comm->seconds_communicating();
  // The last rank arrives 0.3 s late: every other rank waits for it inside the barrier.
  if (comm->rank() == comm->size() - 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  comm->barrier();
  const double waited = comm->seconds_communicating() - before;
  if (comm->rank() == comm->size() - 1) EXPECT_LT(waited, 0.2);
  else EXPECT_GT(waited, 0.25);
}

TEST(Mpi, GatheredResultRowsAreBitExactAndInRankOrder) {
  auto comm = dist::make_mpi_communicator();
  std::vector<io::ResultRow> mine;
  for (int k = 0; k <= comm->rank(); ++k)  // rank r contributes r + 1 rows
    mine.push_back({comm->rank() * 10 + k, "proxy-" + std::to_string(comm->rank()), k, 1.0 / 3.0 + comm->rank(),
                    std::nextafter(0.1, 1.0), -0.0, 1e-300 * (k + 1)});
  auto all = run::gather_rows(*comm, mine);
  std::size_t i = 0;
  for (int r = 0; r < comm->size(); ++r)
    for (int k = 0; k <= r; ++k, ++i) {
      ASSERT_LT(i, all.size());
      EXPECT_EQ(all[i].candidate, r * 10 + k);
      EXPECT_EQ(all[i].proxy, "proxy-" + std::to_string(r));
      EXPECT_EQ(all[i].seed, k);
      EXPECT_EQ(all[i].score, 1.0 / 3.0 + r);  // exact, not approximately
      EXPECT_EQ(all[i].val_loss, std::nextafter(0.1, 1.0));
      EXPECT_TRUE(std::signbit(all[i].test_score));
      EXPECT_EQ(all[i].seconds, 1e-300 * (k + 1));
    }
  EXPECT_EQ(i, all.size());
}

TEST(Mpi, OwnedRangesPartitionTheTrajectories) {
  for (std::int64_t p : {3, 7, 20})
    for (int size : {1, 2, 3}) {
      std::int64_t covered = 0, prev_end = 0;
      for (int r = 0; r < size; ++r) {
        auto [b, e] = dist::owned_range(p, r, size);
        EXPECT_EQ(b, prev_end);
        EXPECT_LE(e - b, p / size + 1);
        EXPECT_GE(e - b, p / size);
        covered += e - b;
        prev_end = e;
      }
      EXPECT_EQ(covered, p);
    }
}

TEST(Mpi, DeterministicReductionEqualsTheSingleProcessSumBitwise) {
  auto comm = dist::make_mpi_communicator();
  const std::int64_t p = 7, width = 33;
  torch::manual_seed(11);
  auto rows = torch::randn({p, width}, torch::kFloat) * 1e3;  // the same on every rank
  auto [b, e] = dist::owned_range(p, comm->rank(), comm->size());
  dist::Contributions mine;
  for (auto i = b; i < e; ++i) mine.emplace_back(i, rows[i].clone());
  auto total = dist::make_reducer(*comm, true)(p, mine);
  auto serial = rows[0].clone();
  for (std::int64_t i = 1; i < p; ++i) serial += rows[i];
  EXPECT_TRUE(torch::equal(total, serial));
  auto fast = dist::make_reducer(*comm, false)(p, mine);
  EXPECT_TRUE(torch::allclose(fast, serial, 1e-5, 1e-3));
}

// The line of /proc/self/maps whose range holds `p` ("" when none): its permissions, inode and
// backing file say whether a tensor's pages are one shared read-only object.
std::string mapping_of(const void* p) {
  std::ifstream maps("/proc/self/maps");
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  for (std::string line; std::getline(maps, line);) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream in(line);
    in >> std::hex >> lo >> dash >> hi;
    if (a >= lo && a < hi) return line;
  }
  return "";
}

std::vector<torch::Tensor> known_tensors() {  // the same values on every rank, without any exchange
  torch::manual_seed(5);
  return {torch::arange(1000, torch::kDouble) / 7.0, torch::tensor({3, -1, 4, 1, -5, 9}, torch::kLong).view({2, 3}),
          torch::randn({4, 3, 5}, torch::kFloat), torch::zeros({0, 4}, torch::kFloat)};
}

int world_sum(int v) {
  int out = 0;
  MPI_Allreduce(&v, &out, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  return out;
}

TEST(NodeShare, EveryRankOfTheNodeViewsOneReadOnlyCopyOfTheLeadersTensors) {
  auto comm = dist::make_mpi_communicator();
  int calls = 0;
  auto share = comm->share_within_node([&] {
    ++calls;
    return known_tensors();
  });
  EXPECT_EQ(world_sum(calls), 1) << "one host is one node: only its first rank builds the tensors";
  EXPECT_EQ(share.node_size, comm->size());
  EXPECT_EQ(share.node_rank, comm->rank());
  EXPECT_GT(share.shared_bytes, 0);
  auto expect = known_tensors();
  ASSERT_EQ(share.tensors.size(), expect.size());
  for (std::size_t k = 0; k < expect.size(); ++k) {
    EXPECT_EQ(share.tensors[k].scalar_type(), expect[k].scalar_type()) << k;
    EXPECT_TRUE(torch::equal(share.tensors[k], expect[k])) << k;  // bit for bit
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(share.tensors[k].data_ptr()) % 64, 0U) << k;
  }
  // One object, mapped read-only and shared by every rank, already unlinked from /dev/shm.
  const std::string line = mapping_of(share.tensors[0].data_ptr());
  std::istringstream fields(line);
  std::string range, perms, offset, device, inode;
  fields >> range >> perms >> offset >> device >> inode;
  EXPECT_EQ(perms, "r--s") << line;
  EXPECT_NE(line.find("/dev/shm/hcdc-"), std::string::npos) << line;
  EXPECT_NE(line.find("(deleted)"), std::string::npos) << line;
  auto inodes = comm->allgather_bytes(device + ":" + inode);
  for (const auto& i : inodes) EXPECT_EQ(i, inodes[0]) << "every rank maps the same object";
  // A view outlives the share it came from; the pages go with the last view.
  torch::Tensor kept = share.tensors[2];
  const void* kept_at = kept.data_ptr();
  share = {};
  EXPECT_TRUE(torch::equal(kept, expect[2]));
  kept = torch::Tensor();
  EXPECT_EQ(mapping_of(kept_at).find("/dev/shm/hcdc-"), std::string::npos) << "unmapped after the last view";
}

TEST(NodeShare, RanksPerNodeCutsTheHostIntoNodesOfTheirOwn) {
  auto comm = dist::make_mpi_communicator();
  auto built_by = [&](const char* per_node) {
    setenv("HCDC_RANKS_PER_NODE", per_node, 1);
    int calls = 0;
    auto share = comm->share_within_node([&] {
      ++calls;
      return known_tensors();
    });
    unsetenv("HCDC_RANKS_PER_NODE");
    EXPECT_TRUE(torch::equal(share.tensors[2], known_tensors()[2]));
    return std::make_pair(world_sum(calls), share);
  };
  auto [alone, alone_share] = built_by("1");
  EXPECT_EQ(alone, comm->size()) << "a node of one rank builds its own";
  EXPECT_EQ(alone_share.node_size, 1);
  EXPECT_EQ(alone_share.shared_bytes, 0) << "nothing to share alone";
  auto [pairs, pair_share] = built_by("2");
  EXPECT_EQ(pairs, (comm->size() + 1) / 2) << "ranks 0-1, 2-3, ... are nodes";
  EXPECT_EQ(pair_share.node_rank, comm->rank() % 2);
  EXPECT_EQ(pair_share.node_size, std::min(2, comm->size() - comm->rank() / 2 * 2));
  setenv("HCDC_RANKS_PER_NODE", "0", 1);
  EXPECT_THROW(comm->share_within_node([] { return known_tensors(); }), std::invalid_argument);
  unsetenv("HCDC_RANKS_PER_NODE");
}

TEST(NodeShare, TheLeadersInputErrorIsThrownOnEveryRankOfTheNode) {
  auto comm = dist::make_mpi_communicator();
  try {
    comm->share_within_node([]() -> std::vector<torch::Tensor> {
      throw hcdc::InputError("graph.h5", "splits/val", "the dataset has no validation split");
    });
    ADD_FAILURE() << "no error on rank " << comm->rank();
  } catch (const hcdc::InputError& e) {
    EXPECT_EQ(e.file(), "graph.h5");
    EXPECT_EQ(e.field(), "splits/val");
    EXPECT_EQ(e.what_only(), "the dataset has no validation split");
  }
  EXPECT_THROW(comm->share_within_node([]() -> std::vector<torch::Tensor> { throw std::runtime_error("disk"); }),
               std::runtime_error);
}

}  // namespace
