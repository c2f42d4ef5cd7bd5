#pragma once
// The collective operations distributed condensation needs, behind one interface: MPI on CPU
// tensors (always built when HCDC_WITH_MPI) and a single-process stand-in. An NCCL backend for
// CUDA tensors plugs in here (bootstrapped by broadcasting its unique id over MPI).
#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hcdc::dist {

// Builds read-only tensors (e.g. a dataset's propagated blocks) for Communicator::share_within_node.
using TensorMaker = std::function<std::vector<torch::Tensor>()>;

struct NodeShare {
  std::vector<torch::Tensor> tensors;  // read-only: writing into them faults (they may be mapped shared)
  int node_rank = 0, node_size = 1;    // this rank among the ranks of its node
  std::int64_t shared_bytes = 0;       // bytes of one node-wide copy; 0 when nothing was shared
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string backend() const = 0;
  // In-place sum over ranks of a contiguous CPU float/double tensor.
  virtual void allreduce_sum(torch::Tensor& t) = 0;
  virtual std::int64_t allreduce_max(std::int64_t v) = 0;
  // Every rank's string, in rank order.
  virtual std::vector<std::string> allgather_bytes(const std::string& mine) = 0;
  virtual void barrier() = 0;
  // Collective: one copy of `make`'s tensors per node instead of one per rank. `make` runs on the
  // first rank of each node only (ranks that share memory, cut into groups of HCDC_RANKS_PER_NODE
  // where that is set: dist/node_group.hpp); the other ranks of the node view the same pages. An
  // exception thrown by `make` is thrown on every rank of its node (an InputError as an InputError).
  // The tensors are read-only on every rank. Without MPI, or alone on its node, a rank simply
  // gets make()'s own tensors.
  virtual NodeShare share_within_node(const TensorMaker& make) { return {make(), 0, 1, 0}; }
  std::int64_t bytes_communicated() const { return bytes_; }
  // Wall time spent inside collectives: transfer plus waiting for slower ranks. Its spread across
  // ranks measures load imbalance; its minimum bounds the cost of communication itself.
  double seconds_communicating() const { return seconds_; }

 protected:
  // Adds the lifetime of a scope (one collective) to seconds_communicating().
  class Timed {
   public:
    explicit Timed(Communicator& c) : c_(c), t0_(std::chrono::steady_clock::now()) {}
    ~Timed() { c_.seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(); }
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;

   private:
    Communicator& c_;
    std::chrono::steady_clock::time_point t0_;
  };
  std::int64_t bytes_ = 0;
  double seconds_ = 0;
};

std::unique_ptr<Communicator> make_local_communicator();
// Initialises MPI on first use (finalised at exit). Throws when hcdc was built without MPI.
std::unique_ptr<Communicator> make_mpi_communicator();
// MPI when started under mpirun/srun (OMPI_COMM_WORLD_SIZE, PMI_SIZE or SLURM_NTASKS > 1), else local.
std::unique_ptr<Communicator> make_communicator_from_environment();

// In a multi-rank MPI run, aborts every rank (a rank that fails must not leave the others
// waiting in a collective); otherwise does nothing.
void abort_if_distributed(int exit_code);
// This process's rank in an initialised MPI world, else 0.
int world_rank();

// The indices [begin, end) of p items that `rank` of `size` owns: contiguous, balanced (sizes
// differ by at most one), a pure function of (p, rank, size).
std::pair<std::int64_t, std::int64_t> owned_range(std::int64_t p, int rank, int size);

}  // namespace hcdc::dist
