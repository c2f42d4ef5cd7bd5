// Collectives and the trajectory reduction under a real mpirun (2 and 3 ranks). A failing
// assertion on any rank makes that rank exit non-zero, which fails the mpirun and the test.
#include <gtest/gtest.h>
#include <mpi.h>

#include "hcdc/dist/communicator.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"
#include "hcdc/run/row_exchange.hpp"

#include <chrono>
#include <cmath>
#include <thread>

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

}  // namespace
