#pragma once
// A small RAII layer over the HDF5 C API: the operations hcdc needs (typed array read/write with
// chunking + compression, scalar and string attributes, listing) and errors that name the file
// and the dataset instead of HDF5's multi-line error stack.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hcdc::io {

// Owns one hid_t and closes it with the matching H5*close.
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~H5Handle() { reset(); }
  H5Handle(H5Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  H5Handle& operator=(H5Handle&& o) noexcept;
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

enum class DType { kUInt8, kInt32, kInt64, kFloat32, kFloat64, kString, kOther };
const char* dtype_name(DType t);

struct DatasetInfo {
  std::string path;
  DType dtype = DType::kOther;
  std::vector<std::int64_t> dims;
  bool compressed = false;
  std::int64_t size() const;
};

class H5File {
 public:
  static H5File open_read(const std::string& path);
  static H5File create(const std::string& path);  // truncates; use with AtomicOutput

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }
  // Whether datasets written from now on are shuffled and deflated (the default). Checkpoints
  // turn it off: their payload (θ, optimiser moments) barely compresses, and a checkpoint is
  // written at a step boundary that every rank waits for.
  void set_compression(bool on) { compress_ = on; }
  void flush();

  bool exists(const std::string& object_path) const;
  DatasetInfo info(const std::string& dataset) const;
  std::vector<DatasetInfo> list_datasets() const;  // every dataset, sorted by path

  template <class T>
  std::vector<T> read(const std::string& dataset) const;
  std::vector<std::string> read_strings(const std::string& dataset) const;
  // Reads rows [begin, begin+count) of a dataset's first dimension (for large files).
  template <class T>
  std::vector<T> read_rows(const std::string& dataset, std::int64_t begin, std::int64_t count) const;

  template <class T>
  void write(const std::string& dataset, const std::vector<std::int64_t>& dims, const T* data);
  template <class T>
  void write(const std::string& dataset, const std::vector<T>& data) {
    write(dataset, {static_cast<std::int64_t>(data.size())}, data.data());
  }
  void write_strings(const std::string& dataset, const std::vector<std::string>& values);

  // Attributes on an object (default: the root group).
  void set_attr(const std::string& name, const std::string& value, const std::string& object = "/");
  void set_attr(const std::string& name, std::int64_t value, const std::string& object = "/");
  void set_attr(const std::string& name, double value, const std::string& object = "/");
  bool has_attr(const std::string& name, const std::string& object = "/") const;
  std::string attr_string(const std::string& name, const std::string& object = "/") const;
  std::int64_t attr_int(const std::string& name, const std::string& object = "/") const;
  double attr_double(const std::string& name, const std::string& object = "/") const;
  std::vector<std::string> attr_names(const std::string& object = "/") const;
  // Renders any attribute as text (for inspect).
  std::string attr_as_text(const std::string& name, const std::string& object = "/") const;

 private:
  H5File(std::string path, H5Handle file) : path_(std::move(path)), file_(std::move(file)) {}
  H5Handle open_dataset(const std::string& dataset) const;
  H5Handle open_attr(const std::string& name, const std::string& object) const;
  std::string path_;
  H5Handle file_;
  bool compress_ = true;
};

// Root attributes every hcdc file carries.
void write_standard_attributes(H5File& f, const std::string& schema_name, const std::string& schema_version);

}  // namespace hcdc::io
