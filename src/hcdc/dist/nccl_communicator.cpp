#include "hcdc/dist/nccl_communicator.hpp"

#include <stdexcept>

#ifdef HCDC_HAVE_NCCL
#include <cuda_runtime.h>
#include <fmt/format.h>
#include <mpi.h>
#include <nccl.h>

#include "hcdc/dist/node_group.hpp"
#endif

namespace hcdc::dist {

#ifdef HCDC_HAVE_NCCL
namespace {

void check_cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(fmt::format("NCCL backend: {}: {}", what, cudaGetErrorString(e)));
}
void check_nccl(ncclResult_t r, const char* what) {
  if (r != ncclSuccess) throw std::runtime_error(fmt::format("NCCL backend: {}: {}", what, ncclGetErrorString(r)));
}

// This rank's index among the ranks on its node: ranks on one node drive different GPUs.
int node_local_rank() {
  MPI_Comm local = split_node_communicator();
  int r = 0;
  MPI_Comm_rank(local, &r);
  MPI_Comm_free(&local);
  return r;
}

class NcclCommunicator : public Communicator {
 public:
  NcclCommunicator() : host_(make_mpi_communicator()) {
    int devices = 0;
    const cudaError_t e = cudaGetDeviceCount(&devices);
    if (e != cudaSuccess || devices < 1)
      throw std::runtime_error(fmt::format("NCCL backend: rank {} sees no CUDA device ({})", host_->rank(),
                                           e != cudaSuccess ? cudaGetErrorString(e) : "device count 0"));
    device_ = node_local_rank() % devices;
    check_cuda(cudaSetDevice(device_), "cudaSetDevice");
    ncclUniqueId id;
    if (host_->rank() == 0) check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
    MPI_Bcast(&id, static_cast<int>(sizeof id), MPI_BYTE, 0, MPI_COMM_WORLD);
    check_nccl(ncclCommInitRank(&comm_, host_->size(), id, host_->rank()), "ncclCommInitRank");
    check_cuda(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  }
  ~NcclCommunicator() override {
    if (staging_ != nullptr) cudaFree(staging_);
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
    if (comm_ != nullptr) ncclCommDestroy(comm_);
  }
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int rank() const override { return host_->rank(); }
  int size() const override { return host_->size(); }
  std::string backend() const override { return fmt::format("nccl (GPU {})", device_); }

  // A CUDA tensor on this rank's GPU is reduced in place. A CPU tensor (Debian's LibTorch is a
  // CPU build, so the learner's tensors live on the host) is staged through a device buffer of
  // this communicator's own with cudaMemcpy: that needs the CUDA runtime, not a CUDA LibTorch.
  void allreduce_sum(torch::Tensor& t) override {
    if (!t.is_contiguous()) throw std::logic_error("allreduce_sum needs a contiguous tensor");
    ncclDataType_t type;
    if (t.scalar_type() == torch::kDouble) type = ncclFloat64;
    else if (t.scalar_type() == torch::kFloat) type = ncclFloat32;
    else throw std::logic_error("allreduce_sum supports float and double");
    if (t.is_cuda() && t.device().index() != device_)
      throw std::logic_error(fmt::format("allreduce_sum: tensor on GPU {}, this rank drives GPU {}", t.device().index(), device_));
    Timed timed(*this);
    const auto count = static_cast<size_t>(t.numel());
    const auto bytes = count * static_cast<size_t>(t.element_size());
    void* buf = t.data_ptr();
    if (t.is_cuda()) {
      // LibTorch produced the tensor on its own stream: finish that work before NCCL reads it.
      check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    } else {
      buf = staging(bytes);
      check_cuda(cudaMemcpyAsync(buf, t.data_ptr(), bytes, cudaMemcpyHostToDevice, stream_), "cudaMemcpy to GPU");
    }
    check_nccl(ncclAllReduce(buf, buf, count, type, ncclSum, comm_, stream_), "ncclAllReduce");
    if (!t.is_cuda())
      check_cuda(cudaMemcpyAsync(t.data_ptr(), buf, bytes, cudaMemcpyDeviceToHost, stream_), "cudaMemcpy to host");
    check_cuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    bytes_ += static_cast<std::int64_t>(bytes);
  }
  std::int64_t allreduce_max(std::int64_t v) override {
    Counted c(*this);
    return host_->allreduce_max(v);
  }
  std::vector<std::string> allgather_bytes(const std::string& mine) override {
    Counted c(*this);
    return host_->allgather_bytes(mine);
  }
  void barrier() override {
    Counted c(*this);
    host_->barrier();
  }
  NodeShare share_within_node(const TensorMaker& make) override { return host_->share_within_node(make); }

 private:
  // A host collective delegated to MPI: its time and bytes count as this communicator's.
  class Counted {
   public:
    explicit Counted(NcclCommunicator& n) : n_(n), bytes0_(n.host_->bytes_communicated()), timed_(n) {}
    ~Counted() { n_.bytes_ += n_.host_->bytes_communicated() - bytes0_; }
    Counted(const Counted&) = delete;
    Counted& operator=(const Counted&) = delete;

   private:
    NcclCommunicator& n_;
    std::int64_t bytes0_;
    Timed timed_;
  };

  // The device buffer for host tensors, grown to the largest all-reduce seen (S_val's gradient
  // has the same size every step, so this allocates once).
  void* staging(size_t bytes) {
    if (bytes > staging_bytes_) {
      if (staging_ != nullptr) check_cuda(cudaFree(staging_), "cudaFree");
      staging_ = nullptr;
      staging_bytes_ = 0;
      check_cuda(cudaMalloc(&staging_, bytes), "cudaMalloc");
      staging_bytes_ = bytes;
    }
    return staging_;
  }

  std::unique_ptr<Communicator> host_;
  int device_ = 0;
  void* staging_ = nullptr;
  size_t staging_bytes_ = 0;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
};

}  // namespace

bool nccl_built() { return true; }

int visible_cuda_devices() {
  int n = 0;
  return cudaGetDeviceCount(&n) == cudaSuccess ? n : 0;
}
std::unique_ptr<Communicator> make_nccl_communicator() { return std::make_unique<NcclCommunicator>(); }

#else

bool nccl_built() { return false; }
int visible_cuda_devices() { return 0; }
std::unique_ptr<Communicator> make_nccl_communicator() {
  throw std::runtime_error("hcdc was built without NCCL (HCDC_WITH_NCCL found no CUDA toolkit and NCCL)");
}

#endif

}  // namespace hcdc::dist
