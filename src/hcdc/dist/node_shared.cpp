#include "hcdc/dist/node_shared.hpp"

#ifdef HCDC_HAVE_MPI
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "hcdc/core/error.hpp"
#include "hcdc/dist/node_group.hpp"

namespace hcdc::dist {
namespace {

constexpr std::int64_t kAlign = 64;  // each tensor starts on a cache line

std::int64_t round_up(std::int64_t v, std::int64_t to) { return (v + to - 1) / to * to; }

std::string errno_text(int e) { return std::strerror(e); }

// A POSIX shared-memory object mapped into this process; unmapped when the last tensor that views
// it is freed.
class SharedMapping {
 public:
  static std::shared_ptr<SharedMapping> create(const std::string& name, std::int64_t bytes) {
    const int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) throw std::runtime_error(fmt::format("shm_open({}): {}", name, errno_text(errno)));
    // Reserve the pages now: on a full /dev/shm this is an error here, not a SIGBUS on first touch.
    if (int e = ftruncate(fd, bytes) != 0 ? errno : posix_fallocate(fd, 0, bytes); e != 0) {
      close(fd);
      shm_unlink(name.c_str());
      throw std::runtime_error(fmt::format(
          "cannot reserve {:.1f} MiB of shared memory in /dev/shm ({}); free room there, or set dist.share_on_node = false",
          static_cast<double>(bytes) / (1 << 20), errno_text(e)));
    }
    try {
      return map(fd, name, bytes, PROT_READ | PROT_WRITE);
    } catch (...) {
      shm_unlink(name.c_str());
      throw;
    }
  }
  static std::shared_ptr<SharedMapping> open(const std::string& name, std::int64_t bytes) {
    const int fd = shm_open(name.c_str(), O_RDONLY, 0);
    if (fd < 0) throw std::runtime_error(fmt::format("shm_open({}) on a node's second rank: {}", name, errno_text(errno)));
    return map(fd, name, bytes, PROT_READ);
  }
  ~SharedMapping() { munmap(base_, static_cast<std::size_t>(bytes_)); }
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;

  char* base() const { return static_cast<char*>(base_); }
  void seal() {
    if (mprotect(base_, static_cast<std::size_t>(bytes_), PROT_READ) != 0)
      throw std::runtime_error(fmt::format("mprotect(shared tensors): {}", errno_text(errno)));
  }

 private:
  SharedMapping(void* base, std::int64_t bytes) : base_(base), bytes_(bytes) {}
  static std::shared_ptr<SharedMapping> map(int fd, const std::string& name, std::int64_t bytes, int prot) {
    void* p = mmap(nullptr, static_cast<std::size_t>(bytes), prot, MAP_SHARED, fd, 0);
    const int e = errno;
    close(fd);  // the mapping keeps the object alive
    if (p == MAP_FAILED) throw std::runtime_error(fmt::format("mmap({}, {} bytes): {}", name, bytes, errno_text(e)));
    return std::shared_ptr<SharedMapping>(new SharedMapping(p, bytes));
  }
  void* base_;
  std::int64_t bytes_;
};

// Frees the node communicator on every path out.
struct NodeComm {
  MPI_Comm comm = split_node_communicator();
  int rank = 0, size = 1;
  NodeComm() {
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
  }
  ~NodeComm() { MPI_Comm_free(&comm); }
  NodeComm(const NodeComm&) = delete;
  NodeComm& operator=(const NodeComm&) = delete;
};

void bcast_longs(std::vector<std::int64_t>& v, MPI_Comm comm) {
  long long n = static_cast<long long>(v.size());
  MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, comm);
  v.resize(static_cast<std::size_t>(n));
  MPI_Bcast(v.data(), static_cast<int>(n), MPI_INT64_T, 0, comm);
}

void bcast_string(std::string& s, MPI_Comm comm) {
  long long n = static_cast<long long>(s.size());
  MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, comm);
  s.resize(static_cast<std::size_t>(n));
  MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
}

// What the leader tells the node: a status, then per tensor (dtype, dim, sizes…, offset), then the
// total size. An error travels as its kind and text, so that every rank fails the same way.
enum Status : std::int64_t { kShared = 0, kInputError = 1, kOtherError = 2 };

struct Layout {
  std::vector<std::int64_t> header;
  std::int64_t bytes = 0;
};

Layout layout_of(const std::vector<torch::Tensor>& ts) {
  Layout l;
  l.header.push_back(kShared);
  l.header.push_back(static_cast<std::int64_t>(ts.size()));
  std::int64_t off = 0;
  for (const auto& t : ts) {
    if (!t.defined() || t.device().type() != torch::kCPU)
      throw std::logic_error("share_within_node: every tensor must be a defined CPU tensor");
    l.header.push_back(static_cast<std::int64_t>(t.scalar_type()));
    l.header.push_back(t.dim());
    for (auto s : t.sizes()) l.header.push_back(s);
    l.header.push_back(off);
    off = round_up(off + static_cast<std::int64_t>(t.numel()) * t.element_size(), kAlign);
  }
  l.bytes = round_up(std::max<std::int64_t>(off, 1), sysconf(_SC_PAGESIZE));
  l.header.push_back(l.bytes);
  return l;
}

std::vector<torch::Tensor> views_of(const std::vector<std::int64_t>& h, const std::shared_ptr<SharedMapping>& m) {
  std::vector<torch::Tensor> out;
  std::size_t i = 1;
  const auto n = h[i++];
  for (std::int64_t k = 0; k < n; ++k) {
    const auto dtype = static_cast<torch::ScalarType>(h[i++]);
    const auto dim = static_cast<std::size_t>(h[i++]);
    std::vector<std::int64_t> sizes(h.begin() + static_cast<std::ptrdiff_t>(i), h.begin() + static_cast<std::ptrdiff_t>(i + dim));
    i += dim;
    const auto off = h[i++];
    // The deleter holds the mapping: the pages stay mapped while any view of them lives.
    out.push_back(torch::from_blob(m->base() + off, sizes, [m](void*) {}, torch::TensorOptions().dtype(dtype)));
  }
  return out;
}

std::string unique_name() {
  static std::atomic<int> counter{0};
  return fmt::format("/hcdc-{}-{}", static_cast<long>(getpid()), counter++);
}

}  // namespace

NodeShare share_within_node_mpi(const TensorMaker& make) {
  NodeComm node;
  if (node.size == 1) return {make(), 0, 1, 0};
  std::vector<std::int64_t> header;
  std::string name, error;
  std::exception_ptr failure;
  std::shared_ptr<SharedMapping> mapping;
  if (node.rank == 0) {
    try {
      std::vector<torch::Tensor> made = make();
      for (auto& t : made) t = t.contiguous();
      Layout l = layout_of(made);
      name = unique_name();
      mapping = SharedMapping::create(name, l.bytes);
      std::vector<torch::Tensor> views = views_of(l.header, mapping);
      for (std::size_t k = 0; k < made.size(); ++k) {
        views[k].copy_(made[k]);
        made[k] = torch::Tensor();  // the private copy goes as soon as it is shared
      }
      mapping->seal();
      header = std::move(l.header);
    } catch (const InputError& e) {
      if (mapping) shm_unlink(name.c_str());  // created, then something after it failed
      failure = std::current_exception();
      header = {kInputError};
      error = e.file() + '\n' + e.field() + '\n' + e.what_only();
    } catch (const std::exception& e) {
      if (mapping) shm_unlink(name.c_str());
      failure = std::current_exception();
      header = {kOtherError};
      error = e.what();
    }
  }
  bcast_longs(header, node.comm);
  if (header[0] != kShared) {
    bcast_string(error, node.comm);
    if (failure) std::rethrow_exception(failure);
    if (header[0] == kInputError) {
      const auto a = error.find('\n'), b = error.find('\n', a + 1);
      throw InputError(error.substr(0, a), error.substr(a + 1, b - a - 1), error.substr(b + 1));
    }
    throw std::runtime_error(error);
  }
  bcast_string(name, node.comm);
  const std::int64_t bytes = header.back();
  std::string open_error;
  if (node.rank != 0) {
    try {
      mapping = SharedMapping::open(name, bytes);
    } catch (const std::exception& e) {
      open_error = e.what();
    }
  }
  // Every rank has mapped the object (or failed to): its name can go.
  int failed = open_error.empty() ? 0 : 1, any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, node.comm);
  if (node.rank == 0) shm_unlink(name.c_str());
  if (any_failed != 0) throw std::runtime_error(open_error.empty() ? "another rank of this node could not map the shared tensors" : open_error);
  return {views_of(header, mapping), node.rank, node.size, bytes};
}

}  // namespace hcdc::dist
#endif
