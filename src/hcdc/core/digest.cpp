#include "hcdc/core/digest.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <fstream>
#include <vector>

#include "hcdc/core/error.hpp"

namespace hcdc {

void Crc32::update(const void* data, std::size_t bytes) {
  const auto* p = static_cast<const Bytef*>(data);
  while (bytes > 0) {  // zlib takes uInt lengths: feed large buffers in slices
    uInt n = bytes > (1u << 30) ? (1u << 30) : static_cast<uInt>(bytes);
    crc_ = static_cast<std::uint32_t>(crc32(crc_, p, n));
    p += n;
    bytes -= n;
  }
}

std::string Crc32::hex() const { return fmt::format("crc32:{:08x}", crc_); }

std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open file for reading");
  Crc32 c;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    c.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  return c.hex();
}

std::string string_digest(const std::string& text) {
  Crc32 c;
  c.update(text.data(), text.size());
  return c.hex();
}

}  // namespace hcdc
