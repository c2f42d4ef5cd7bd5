// The NCCL backend under a real mpirun (built only with HCDC_WITH_NCCL; one GPU per rank, so
// ctest runs it with as many ranks as the machine has GPUs, 1 by default). On a node without a
// GPU only the refusal is checked and the GPU tests report themselves skipped.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "hcdc/dist/nccl_communicator.hpp"
#include "hcdc/dist/trajectory_reducer.hpp"

namespace {

using namespace hcdc;

#define HCDC_REQUIRE_GPU() \
  if (dist::visible_cuda_devices() < 1) GTEST_SKIP() << "no CUDA device visible: the NCCL collectives need one"

TEST(Nccl, WithoutAGpuTheBackendRefusesWithAClearError) {
  if (dist::visible_cuda_devices() > 0) GTEST_SKIP() << "this node has a GPU";
  try {
    dist::make_nccl_communicator();
    FAIL() << "the NCCL backend started without a GPU";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("sees no CUDA device"), std::string::npos) << e.what();
  }
}

TEST(Nccl, AllreduceOfAHostTensorIsStagedThroughTheGpu) {
  HCDC_REQUIRE_GPU();
  auto comm = dist::make_nccl_communicator();
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    auto t = torch::arange(1000, torch::TensorOptions().dtype(dtype)).add(comm->rank());
    comm->allreduce_sum(t);
    EXPECT_TRUE(t.device().is_cpu());
    auto expect = torch::arange(1000, torch::kDouble).mul(comm->size()).add(comm->size() * (comm->size() - 1) / 2.0);
    EXPECT_TRUE(torch::equal(t.to(torch::kDouble), expect));
  }
  // A larger tensor after a smaller one grows the staging buffer.
  auto big = torch::full({1 << 16}, static_cast<double>(comm->rank() + 1), torch::kDouble);
  comm->allreduce_sum(big);
  EXPECT_TRUE(torch::equal(big, torch::full({1 << 16}, comm->size() * (comm->size() + 1) / 2.0, torch::kDouble)));
  EXPECT_EQ(comm->bytes_communicated(), 1000 * 4 + 1000 * 8 + (1 << 16) * 8);
  EXPECT_EQ(comm->allreduce_max(comm->rank()), comm->size() - 1);  // host collectives over MPI
}

TEST(Nccl, AllreduceOfACudaTensorIsInPlace) {
  HCDC_REQUIRE_GPU();
  if (!torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch is a CPU build: no CUDA tensors";
  auto comm = dist::make_nccl_communicator();
  auto t = torch::ones({333}, torch::kFloat).to(torch::kCUDA);
  comm->allreduce_sum(t);
  EXPECT_TRUE(torch::equal(t.cpu(), torch::full({333}, static_cast<float>(comm->size()))));
}

TEST(Nccl, DeterministicReductionEqualsTheInOrderSumBitwise) {
  HCDC_REQUIRE_GPU();
  auto comm = dist::make_nccl_communicator();
  const std::int64_t p = 5;
  torch::manual_seed(7);  // the same rows on every rank
  auto rows = torch::randn({p, 33}, torch::kDouble);
  auto [b, e] = dist::owned_range(p, comm->rank(), comm->size());
  dist::Contributions mine;
  for (auto i = b; i < e; ++i) mine.push_back({i, rows[i].clone()});
  auto total = dist::make_reducer(*comm, true)(p, mine);
  auto expect = rows[0].clone();
  for (std::int64_t i = 1; i < p; ++i) expect += rows[i];
  EXPECT_TRUE(torch::equal(total, expect));
}

}  // namespace
