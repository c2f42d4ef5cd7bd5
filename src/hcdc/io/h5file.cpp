#include "hcdc/io/h5file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "hcdc/core/error.hpp"
#include "hcdc/core/version.hpp"

namespace hcdc::io {
namespace {

// HDF5 prints its own error stack to stderr by default; we turn it off once and report one line.
void silence_hdf5_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

template <class T>
hid_t native_type();
template <> hid_t native_type<std::uint8_t>() { return H5T_NATIVE_UINT8; }
template <> hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }

DType classify(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: {
      size_t sz = H5Tget_size(type);
      bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      if (sz == 1 && !is_signed) return DType::kUInt8;
      if (sz == 4 && is_signed) return DType::kInt32;
      if (sz == 8 && is_signed) return DType::kInt64;
      return DType::kOther;
    }
    case H5T_FLOAT: return H5Tget_size(type) == 4 ? DType::kFloat32 : DType::kFloat64;
    case H5T_STRING: return DType::kString;
    default: return DType::kOther;
  }
}

std::vector<std::int64_t> space_dims(hid_t space) {
  int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> d(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, d.data(), nullptr);
  return {d.begin(), d.end()};
}

H5Handle link_creation_props() {
  H5Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8);
  return lcpl;
}

// Chunked + shuffled + deflated for anything larger than a few KiB; tiny arrays, and every array
// when compression is off, stay contiguous.
H5Handle dataset_creation_props(const std::vector<std::int64_t>& dims, size_t elem_size, bool compress) {
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  std::int64_t n = 1;
  for (auto d : dims) n *= d;
  if (!compress || dims.empty() || n * static_cast<std::int64_t>(elem_size) < 4096 || n == 0) return dcpl;
  // Chunk along the first dimension, about 1 MiB per chunk, whole trailing dimensions.
  std::int64_t row = 1;
  for (size_t i = 1; i < dims.size(); ++i) row *= dims[i];
  std::int64_t row_bytes = std::max<std::int64_t>(1, row * static_cast<std::int64_t>(elem_size));
  std::vector<hsize_t> chunk(dims.begin(), dims.end());
  chunk[0] = static_cast<hsize_t>(std::clamp<std::int64_t>((1 << 20) / row_bytes, 1, dims[0]));
  // HDF5 caps a chunk at 4 GiB; shrink the trailing dimensions if a single row is that big.
  for (size_t i = 1; i < chunk.size(); ++i) chunk[i] = std::min<hsize_t>(chunk[i], 1 << 16);
  H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
  H5Pset_shuffle(dcpl.get());
  H5Pset_deflate(dcpl.get(), 4);
  return dcpl;
}

}  // namespace

H5Handle& H5Handle::operator=(H5Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = -1;
  }
  return *this;
}

void H5Handle::reset() {
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = -1;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kUInt8: return "uint8";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kString: return "string";
    default: return "other";
  }
}

std::int64_t DatasetInfo::size() const {
  std::int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

H5File H5File::open_read(const std::string& path) {
  silence_hdf5_errors();
  if (!std::filesystem::exists(path)) throw InputError(path, "", "file does not exist");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw InputError(path, "", "not an HDF5 file (wrong format, truncated or corrupt)");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError(path, "", "cannot open HDF5 file (truncated or corrupt)");
  return H5File(path, H5Handle(id, H5Fclose));
}

H5File H5File::create(const std::string& path) {
  silence_hdf5_errors();
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw InputError(path, "", "cannot create HDF5 file");
  return H5File(path, H5Handle(id, H5Fclose));
}

void H5File::flush() { H5Fflush(file_.get(), H5F_SCOPE_GLOBAL); }

bool H5File::exists(const std::string& object_path) const {
  // H5Lexists fails on a missing intermediate group, so test each prefix.
  if (object_path.empty() || object_path == "/") return true;
  size_t pos = 0;
  while (true) {
    pos = object_path.find('/', pos + 1);
    std::string prefix = object_path.substr(0, pos);
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

H5Handle H5File::open_dataset(const std::string& dataset) const {
  if (!exists(dataset)) throw InputError(path_, dataset, "dataset is missing");
  hid_t id = H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError(path_, dataset, "cannot open dataset (not a dataset, or the file is corrupt)");
  return H5Handle(id, H5Dclose);
}

DatasetInfo H5File::info(const std::string& dataset) const {
  H5Handle ds = open_dataset(dataset);
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  H5Handle dcpl(H5Dget_create_plist(ds.get()), H5Pclose);
  DatasetInfo out;
  out.path = dataset;
  out.dtype = classify(type.get());
  out.dims = space_dims(space.get());
  out.compressed = H5Pget_nfilters(dcpl.get()) > 0;
  return out;
}

std::vector<DatasetInfo> H5File::list_datasets() const {
  std::vector<std::string> names;
  auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* op) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(op)->push_back(name);
    return 0;
  };
#if H5_VERSION_GE(1, 12, 0)
  herr_t rc = H5Ovisit3(file_.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &names, H5O_INFO_BASIC);
#else
  herr_t rc = H5Ovisit2(file_.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &names, H5O_INFO_BASIC);
#endif
  if (rc < 0) throw InputError(path_, "", "cannot list the file's objects (corrupt file)");
  std::sort(names.begin(), names.end());
  std::vector<DatasetInfo> out;
  for (auto& n : names) out.push_back(info(n));
  return out;
}

template <class T>
std::vector<T> H5File::read(const std::string& dataset) const {
  H5Handle ds = open_dataset(dataset);
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  std::int64_t n = 1;
  for (auto d : space_dims(space.get())) n *= d;
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0 && H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw InputError(path_, dataset, "cannot read data (wrong type, truncated or corrupt file)");
  return out;
}

template <class T>
std::vector<T> H5File::read_rows(const std::string& dataset, std::int64_t begin, std::int64_t count) const {
  H5Handle ds = open_dataset(dataset);
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  auto dims = space_dims(space.get());
  if (dims.empty() || begin < 0 || count < 0 || begin + count > dims[0])
    throw InputError(path_, dataset, fmt::format("rows [{}, {}) out of range", begin, begin + count));
  std::vector<hsize_t> start(dims.size(), 0), cnt(dims.begin(), dims.end());
  start[0] = static_cast<hsize_t>(begin);
  cnt[0] = static_cast<hsize_t>(count);
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, cnt.data(), nullptr);
  std::int64_t n = 1;
  for (auto c : cnt) n *= static_cast<std::int64_t>(c);
  H5Handle mem(H5Screate_simple(static_cast<int>(cnt.size()), cnt.data(), nullptr), H5Sclose);
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0 && H5Dread(ds.get(), native_type<T>(), mem.get(), space.get(), H5P_DEFAULT, out.data()) < 0)
    throw InputError(path_, dataset, "cannot read data (wrong type, truncated or corrupt file)");
  return out;
}

std::vector<std::string> H5File::read_strings(const std::string& dataset) const {
  H5Handle ds = open_dataset(dataset);
  H5Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) throw InputError(path_, dataset, "expected strings");
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  std::int64_t n = 1;
  for (auto d : space_dims(space.get())) n *= d;
  std::vector<std::string> out;
  if (H5Tis_variable_str(ftype.get()) > 0) {
    std::vector<char*> raw(static_cast<size_t>(n), nullptr);
    H5Handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));
    if (n > 0 && H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      throw InputError(path_, dataset, "cannot read strings");
    for (char* s : raw) out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, raw.data());
  } else {
    size_t len = H5Tget_size(ftype.get());
    std::vector<char> raw(static_cast<size_t>(n) * len);
    if (n > 0 && H5Dread(ds.get(), ftype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      throw InputError(path_, dataset, "cannot read strings");
    for (std::int64_t i = 0; i < n; ++i) {
      const char* p = raw.data() + i * static_cast<std::int64_t>(len);
      out.emplace_back(p, strnlen(p, len));
    }
  }
  return out;
}

template <class T>
void H5File::write(const std::string& dataset, const std::vector<std::int64_t>& dims, const T* data) {
  std::vector<hsize_t> hd(dims.begin(), dims.end());
  H5Handle space(H5Screate_simple(static_cast<int>(hd.size()), hd.data(), nullptr), H5Sclose);
  H5Handle lcpl = link_creation_props();
  H5Handle dcpl = dataset_creation_props(dims, sizeof(T), compress_);
  H5Handle ds(H5Dcreate2(file_.get(), dataset.c_str(), native_type<T>(), space.get(), lcpl.get(), dcpl.get(),
                         H5P_DEFAULT),
              H5Dclose);
  if (!ds.valid()) throw InputError(path_, dataset, "cannot create dataset");
  std::int64_t n = 1;
  for (auto d : dims) n *= d;
  if (n > 0 && H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    throw InputError(path_, dataset, "cannot write dataset");
}

void H5File::write_strings(const std::string& dataset, const std::vector<std::string>& values) {
  hsize_t n = values.size();
  H5Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  H5Handle lcpl = link_creation_props();
  H5Handle ds(H5Dcreate2(file_.get(), dataset.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose);
  if (!ds.valid()) throw InputError(path_, dataset, "cannot create dataset");
  std::vector<const char*> ptrs;
  for (auto& s : values) ptrs.push_back(s.c_str());
  if (n > 0 && H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw InputError(path_, dataset, "cannot write strings");
}

namespace {
H5Handle create_attr(hid_t file, const std::string& object, const std::string& name, hid_t type, hid_t space) {
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) > 0)
    H5Adelete_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT);
  return H5Handle(H5Acreate_by_name(file, object.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT,
                                    H5P_DEFAULT),
                  H5Aclose);
}
}  // namespace

void H5File::set_attr(const std::string& name, const std::string& value, const std::string& object) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a = create_attr(file_.get(), object, name, type.get(), space.get());
  const char* p = value.c_str();
  if (!a.valid() || H5Awrite(a.get(), type.get(), &p) < 0) throw InputError(path_, name, "cannot write attribute");
}

void H5File::set_attr(const std::string& name, std::int64_t value, const std::string& object) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a = create_attr(file_.get(), object, name, H5T_STD_I64LE, space.get());
  if (!a.valid() || H5Awrite(a.get(), H5T_NATIVE_INT64, &value) < 0)
    throw InputError(path_, name, "cannot write attribute");
}

void H5File::set_attr(const std::string& name, double value, const std::string& object) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a = create_attr(file_.get(), object, name, H5T_IEEE_F64LE, space.get());
  if (!a.valid() || H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value) < 0)
    throw InputError(path_, name, "cannot write attribute");
}

bool H5File::has_attr(const std::string& name, const std::string& object) const {
  return exists(object) && H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

H5Handle H5File::open_attr(const std::string& name, const std::string& object) const {
  if (!has_attr(name, object)) throw InputError(path_, name, "attribute is missing");
  return H5Handle(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
}

std::string H5File::attr_string(const std::string& name, const std::string& object) const {
  H5Handle a = open_attr(name, object);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) throw InputError(path_, name, "attribute must be a string");
  H5Handle space(H5Aget_space(a.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) throw InputError(path_, name, "attribute must be a scalar");
  if (H5Tis_variable_str(ftype.get()) > 0) {
    char* raw = nullptr;
    H5Handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));
    if (H5Aread(a.get(), mtype.get(), &raw) < 0) throw InputError(path_, name, "cannot read attribute");
    std::string s = raw ? raw : "";
    H5free_memory(raw);
    return s;
  }
  size_t len = H5Tget_size(ftype.get());
  std::string s(len, '\0');
  if (H5Aread(a.get(), ftype.get(), s.data()) < 0) throw InputError(path_, name, "cannot read attribute");
  s.resize(strnlen(s.c_str(), len));
  return s;
}

std::int64_t H5File::attr_int(const std::string& name, const std::string& object) const {
  H5Handle a = open_attr(name, object);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_INTEGER) throw InputError(path_, name, "attribute must be an integer");
  std::int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) throw InputError(path_, name, "cannot read attribute");
  return v;
}

double H5File::attr_double(const std::string& name, const std::string& object) const {
  H5Handle a = open_attr(name, object);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  auto cls = H5Tget_class(ftype.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw InputError(path_, name, "attribute must be a number");
  double v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) throw InputError(path_, name, "cannot read attribute");
  return v;
}

std::vector<std::string> H5File::attr_names(const std::string& object) const {
  std::vector<std::string> names;
  auto cb = [](hid_t, const char* name, const H5A_info_t*, void* op) -> herr_t {
    static_cast<std::vector<std::string>*>(op)->push_back(name);
    return 0;
  };
  hsize_t idx = 0;
  H5Aiterate_by_name(file_.get(), object.c_str(), H5_INDEX_NAME, H5_ITER_INC, &idx, cb, &names, H5P_DEFAULT);
  return names;
}

std::string H5File::attr_as_text(const std::string& name, const std::string& object) const {
  H5Handle a = open_attr(name, object);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  switch (H5Tget_class(ftype.get())) {
    case H5T_STRING: return attr_string(name, object);
    case H5T_INTEGER: return std::to_string(attr_int(name, object));
    case H5T_FLOAT: return fmt::format("{}", attr_double(name, object));
    default: return "<non-scalar>";
  }
}

void write_standard_attributes(H5File& f, const std::string& schema_name, const std::string& schema_version) {
  f.set_attr("schema_name", schema_name);
  f.set_attr("schema_version", schema_version);
  f.set_attr("writer_version", writer_version());
  f.set_attr("git_commit", git_commit());
  f.set_attr("created", utc_timestamp());
}

#define HCDC_INSTANTIATE(T)                                                                          \
  template std::vector<T> H5File::read<T>(const std::string&) const;                                 \
  template std::vector<T> H5File::read_rows<T>(const std::string&, std::int64_t, std::int64_t) const; \
  template void H5File::write<T>(const std::string&, const std::vector<std::int64_t>&, const T*);
HCDC_INSTANTIATE(std::uint8_t)
HCDC_INSTANTIATE(std::int32_t)
HCDC_INSTANTIATE(std::int64_t)
HCDC_INSTANTIATE(float)
HCDC_INSTANTIATE(double)
#undef HCDC_INSTANTIATE

}  // namespace hcdc::io
