#pragma once
// IDX files (the MNIST family's format), gzip-compressed, unsigned-byte payload only.
#include <cstdint>
#include <string>
#include <vector>

namespace hcdc::data {

struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> data;
};

IdxArray read_idx_gz(const std::string& path);
void write_idx_gz(const std::string& path, const IdxArray& a);  // for tests and tooling

}  // namespace hcdc::data
