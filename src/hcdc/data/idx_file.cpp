#include "hcdc/data/idx_file.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <filesystem>
#include <memory>

#include "hcdc/core/error.hpp"

namespace hcdc::data {
namespace {

using GzFile = std::unique_ptr<gzFile_s, int (*)(gzFile)>;

// Reads exactly `bytes`, or explains why not (corrupt gzip stream or truncated file).
void read_exact(gzFile gz, const std::string& path, const char* field, void* dst, std::size_t bytes) {
  auto* p = static_cast<char*>(dst);
  std::size_t got = 0;
  while (got < bytes) {
    unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - got, 1u << 30));
    int n = gzread(gz, p + got, chunk);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz, &errnum);
      throw InputError(path, field, fmt::format("corrupt gzip stream: {}", msg));
    }
    if (n == 0) throw InputError(path, field, fmt::format("truncated: expected {} bytes, got {}", bytes, got));
    got += static_cast<std::size_t>(n);
  }
}

std::uint32_t big_endian(const unsigned char b[4]) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

}  // namespace

IdxArray read_idx_gz(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path, "", "file does not exist");
  GzFile gz(gzopen(path.c_str(), "rb"), gzclose);
  if (!gz) throw InputError(path, "", "cannot open");
  unsigned char magic[4];
  read_exact(gz.get(), path, "magic", magic, 4);
  if (magic[0] != 0 || magic[1] != 0)
    throw InputError(path, "magic", "not an IDX file (first two bytes must be zero)");
  if (magic[2] != 0x08) throw InputError(path, "magic", fmt::format("element type 0x{:02x} unsupported (need 0x08, unsigned byte)", magic[2]));
  int rank = magic[3];
  if (rank < 1 || rank > 4) throw InputError(path, "magic", fmt::format("rank {} unsupported", rank));
  IdxArray a;
  std::int64_t n = 1;
  for (int i = 0; i < rank; ++i) {
    unsigned char b[4];
    read_exact(gz.get(), path, "dims", b, 4);
    a.dims.push_back(big_endian(b));
    n *= a.dims.back();
  }
  if (n <= 0 || n > (std::int64_t{1} << 36)) throw InputError(path, "dims", fmt::format("implausible size {}", n));
  a.data.resize(static_cast<std::size_t>(n));
  read_exact(gz.get(), path, "data", a.data.data(), a.data.size());
  char extra;
  if (gzread(gz.get(), &extra, 1) > 0) throw InputError(path, "data", "trailing bytes after the declared payload");
  return a;
}

void write_idx_gz(const std::string& path, const IdxArray& a) {
  GzFile gz(gzopen(path.c_str(), "wb"), gzclose);
  if (!gz) throw InputError(path, "", "cannot create");
  unsigned char magic[4] = {0, 0, 0x08, static_cast<unsigned char>(a.dims.size())};
  gzwrite(gz.get(), magic, 4);
  for (auto d : a.dims) {
    auto v = static_cast<std::uint32_t>(d);
    unsigned char b[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                          static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    gzwrite(gz.get(), b, 4);
  }
  if (!a.data.empty()) gzwrite(gz.get(), a.data.data(), static_cast<unsigned>(a.data.size()));
}

}  // namespace hcdc::data
