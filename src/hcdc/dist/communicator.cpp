#include "hcdc/dist/communicator.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>

#ifdef HCDC_HAVE_MPI
#include <mpi.h>

#include "hcdc/dist/node_shared.hpp"
#endif

namespace hcdc::dist {

std::pair<std::int64_t, std::int64_t> owned_range(std::int64_t p, int rank, int size) {
  return {p * rank / size, p * (rank + 1) / size};
}

namespace {

class LocalCommunicator : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string backend() const override { return "local"; }
  void allreduce_sum(torch::Tensor&) override {}
  std::int64_t allreduce_max(std::int64_t v) override { return v; }
  std::vector<std::string> allgather_bytes(const std::string& mine) override { return {mine}; }
  void barrier() override {}
};

#ifdef HCDC_HAVE_MPI
struct MpiRuntime {
  MpiRuntime() {
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited) {
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
      owns = true;
    }
  }
  ~MpiRuntime() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owns && !finalized) MPI_Finalize();
  }
  bool owns = false;
};

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator() {
    static MpiRuntime runtime;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "mpi"; }
  void allreduce_sum(torch::Tensor& t) override {
    if (!t.is_contiguous() || t.device().type() != torch::kCPU)
      throw std::logic_error("allreduce_sum needs a contiguous CPU tensor");
    Timed timed(*this);
    MPI_Datatype type;
    if (t.scalar_type() == torch::kDouble) type = MPI_DOUBLE;
    else if (t.scalar_type() == torch::kFloat) type = MPI_FLOAT;
    else throw std::logic_error("allreduce_sum supports float and double");
    MPI_Allreduce(MPI_IN_PLACE, t.data_ptr(), static_cast<int>(t.numel()), type, MPI_SUM, MPI_COMM_WORLD);
    bytes_ += static_cast<std::int64_t>(t.numel() * t.element_size());
  }
  std::int64_t allreduce_max(std::int64_t v) override {
    Timed timed(*this);
    long long in = v, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    bytes_ += 8;
    return out;
  }
  std::vector<std::string> allgather_bytes(const std::string& mine) override {
    Timed timed(*this);
    int n = static_cast<int>(mine.size());
    std::vector<int> sizes(static_cast<std::size_t>(size_)), displs(static_cast<std::size_t>(size_));
    MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; r < size_; ++r) {
      displs[static_cast<std::size_t>(r)] = total;
      total += sizes[static_cast<std::size_t>(r)];
    }
    std::string all(static_cast<std::size_t>(total), '\0');
    MPI_Allgatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD);
    bytes_ += total;
    std::vector<std::string> out;
    for (int r = 0; r < size_; ++r)
      out.push_back(all.substr(static_cast<std::size_t>(displs[static_cast<std::size_t>(r)]),
                               static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)])));
    return out;
  }
  void barrier() override {
    Timed timed(*this);
    MPI_Barrier(MPI_COMM_WORLD);
  }
  NodeShare share_within_node(const TensorMaker& make) override { return share_within_node_mpi(make); }

 private:
  int rank_ = 0, size_ = 1;
};
#endif

bool launched_with_several_ranks() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* s = std::getenv(v)) return std::atoi(s) > 1;
  return false;
}

}  // namespace

void abort_if_distributed(int exit_code) {
#ifdef HCDC_HAVE_MPI
  int inited = 0, finalized = 0;
  MPI_Initialized(&inited);
  MPI_Finalized(&finalized);
  if (inited && !finalized) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
  }
#else
  (void)exit_code;
#endif
}

int world_rank() {
#ifdef HCDC_HAVE_MPI
  int inited = 0, finalized = 0, rank = 0;
  MPI_Initialized(&inited);
  MPI_Finalized(&finalized);
  if (inited && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
#else
  return 0;
#endif
}

std::unique_ptr<Communicator> make_local_communicator() { return std::make_unique<LocalCommunicator>(); }

std::unique_ptr<Communicator> make_mpi_communicator() {
#ifdef HCDC_HAVE_MPI
  return std::make_unique<MpiCommunicator>();
#else
  throw std::runtime_error("hcdc was built without MPI (HCDC_WITH_MPI=OFF)");
#endif
}

std::unique_ptr<Communicator> make_communicator_from_environment() {
  if (launched_with_several_ranks()) return make_mpi_communicator();
  return make_local_communicator();
}

}  // namespace hcdc::dist
