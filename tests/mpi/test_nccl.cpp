// The NCCL backend under a real mpirun (built only with HCDC_WITH_NCCL; one GPU per rank, so
// ctest runs it with as many ranks as the machine has GPUs, 1 by default).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "hcdc/dist/nccl_communicator.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"

namespace {

using namespace hcdc;

TEST(Nccl, AllreduceOfACudaTensorSumsEveryRank) {
  ASSERT_TRUE(torch::cuda::is_available()) << "the NCCL backend needs a CUDA build of LibTorch and a GPU";
  auto comm = dist::make_nccl_communicator();
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    auto t = torch::arange(1000, torch::TensorOptions().dtype(dtype)).add(comm->rank()).to(torch::kCUDA);
    comm->allreduce_sum(t);
    auto expect = torch::arange(1000, torch::kDouble).mul(comm->size()).add(comm->size() * (comm->size() - 1) / 2.0);
    EXPECT_TRUE(torch::equal(t.cpu().to(torch::kDouble), expect));
  }
  EXPECT_EQ(comm->bytes_communicated(), 1000 * 4 + 1000 * 8);
}

TEST(Nccl, AllreduceOfACpuTensorIsStagedThroughTheGpu) {
  auto comm = dist::make_nccl_communicator();
  auto t = torch::full({7}, static_cast<double>(comm->rank() + 1), torch::kDouble);
  comm->allreduce_sum(t);
  EXPECT_TRUE(t.device().is_cpu());
  for (int i = 0; i < 7; ++i) EXPECT_DOUBLE_EQ(t[i].item<double>(), comm->size() * (comm->size() + 1) / 2.0);
  EXPECT_EQ(comm->allreduce_max(comm->rank()), comm->size() - 1);  // host collectives over MPI
}

TEST(Nccl, DeterministicReductionEqualsTheInOrderSumBitwise) {
  auto comm = dist::make_nccl_communicator();
  const std::int64_t p = 5;
  auto rows = torch::randn({p, 33}, torch::TensorOptions().dtype(torch::kDouble).device(torch::kCUDA).requires_grad(false));
  comm->allreduce_sum(rows);  // the same rows on every rank (summed, so identical everywhere)
  auto [b, e] = dist::owned_range(p, comm->rank(), comm->size());
  condense::Contributions mine;
  for (auto i = b; i < e; ++i) mine.push_back({i, rows[i].clone()});
  auto total = dist::make_reducer(*comm, true)(p, mine);
  auto expect = rows[0].clone();
  for (std::int64_t i = 1; i < p; ++i) expect += rows[i];
  EXPECT_TRUE(torch::equal(total.cpu(), expect.cpu()));
}

}  // namespace
