#pragma once
// CRC-32 (zlib) digests: cheap identity and damage checks for source files and checkpoints.
// Not a cryptographic hash; it only has to notice truncation, bit rot and a different file.
#include <cstddef>
#include <cstdint>
#include <string>

namespace hcdc {

class Crc32 {
 public:
  void update(const void* data, std::size_t bytes);
  std::uint32_t value() const { return crc_; }
  std::string hex() const;  // "crc32:1a2b3c4d"

 private:
  std::uint32_t crc_ = 0;
};

std::string file_digest(const std::string& path);
std::string string_digest(const std::string& text);

}  // namespace hcdc
