#pragma once
// NumPy's .npz: a zip archive of .npy arrays (np.savez / np.savez_compressed). The zip is read by
// libzip, each .npy by xtensor's reader; this file only checks what they hand back.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hcdc::data {

// One array, converted to the element type the caller asked for; row-major.
template <class T>
struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<T> values;
};

class NpzArchive {
 public:
  // Opens `path` for reading; InputError(path, "", why) when it is missing or not a zip.
  explicit NpzArchive(std::string path);
  ~NpzArchive();
  NpzArchive(const NpzArchive&) = delete;
  NpzArchive& operator=(const NpzArchive&) = delete;

  const std::string& path() const { return path_; }
  // Whether the archive holds `name`.npy.
  bool contains(const std::string& name) const;
  // The array `name` (without ".npy") as float / int64 / bool. Integer, float and bool .npy
  // dtypes of either byte order are accepted where the conversion is exact in meaning
  // (ints → float, bool ↔ int; never float → int). Errors name the file and the array.
  NpyArray<float> read_float(const std::string& name) const;
  NpyArray<std::int64_t> read_int(const std::string& name) const;
  NpyArray<bool> read_bool(const std::string& name) const;

 private:
  std::string entry_bytes(const std::string& name) const;
  std::string path_;
  struct Zip;
  std::unique_ptr<Zip> zip_;
};

}  // namespace hcdc::data
