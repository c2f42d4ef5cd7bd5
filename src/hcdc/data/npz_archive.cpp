#include "hcdc/data/npz_archive.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <xtensor/xadapt.hpp>
#include <xtensor/xnpy.hpp>

#include "hcdc/core/error.hpp"

namespace hcdc::data {

struct NpzArchive::Zip {
  zip_t* handle = nullptr;
  ~Zip() {
    if (handle) zip_discard(handle);  // read-only: nothing to write back
  }
};

NpzArchive::NpzArchive(std::string path) : path_(std::move(path)), zip_(std::make_unique<Zip>()) {
  int code = 0;
  zip_->handle = zip_open(path_.c_str(), ZIP_RDONLY, &code);
  if (!zip_->handle) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    throw InputError(path_, "", "cannot open as a .npz (zip) archive: " + why);
  }
}

NpzArchive::~NpzArchive() = default;

bool NpzArchive::contains(const std::string& name) const {
  return zip_name_locate(zip_->handle, (name + ".npy").c_str(), 0) >= 0;
}

std::string NpzArchive::entry_bytes(const std::string& name) const {
  const std::string entry = name + ".npy";
  zip_int64_t index = zip_name_locate(zip_->handle, entry.c_str(), 0);
  if (index < 0) throw InputError(path_, name, "array missing from the archive");
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_->handle, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw InputError(path_, name, std::string("cannot read the archive entry: ") + zip_strerror(zip_->handle));
  zip_file_t* file = zip_fopen_index(zip_->handle, static_cast<zip_uint64_t>(index), 0);
  if (!file) throw InputError(path_, name, std::string("cannot open the archive entry: ") + zip_strerror(zip_->handle));
  std::string bytes;
  try {
    bytes.resize(static_cast<std::size_t>(st.size));
  } catch (const std::exception&) {
    zip_fclose(file);
    throw InputError(path_, name, fmt::format("entry declares {} bytes: more than this machine can hold", st.size));
  }
  zip_int64_t got = zip_fread(file, bytes.data(), st.size);
  std::string why = got < 0 ? zip_file_strerror(file) : std::string();
  zip_fclose(file);
  if (got < 0) throw InputError(path_, name, "corrupt archive entry: " + why);
  if (static_cast<zip_uint64_t>(got) != st.size)
    throw InputError(path_, name, fmt::format("archive entry truncated: {} of {} bytes", got, st.size));
  return bytes;
}

namespace {

// The element types a .npy may hold, in this machine's byte order ('|' marks one-byte types).
enum class Kind { kBool, kSigned, kUnsigned, kFloat };

struct Parsed {
  xt::detail::npy_file file;
  Kind kind;
};

xt::detail::npy_file load_npy(const std::string& path, const std::string& name, const std::string& bytes) {
  std::istringstream stream(bytes);
  try {
    // xtensor's reader, one level below load_npy: it keeps the dtype string, so every integer and
    // float width can be accepted instead of exactly one.
    xt::detail::npy_file file = xt::detail::load_npy_file(stream);
    if (!stream) throw InputError(path, name, "truncated .npy: fewer data bytes than its header's shape needs");
    return file;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path, name, std::string("not a valid .npy array: ") + e.what());
  }
}

Kind kind_of(const std::string& path, const std::string& name, const xt::detail::npy_file& file) {
  if (file.m_fortran_order && file.m_shape.size() > 1)
    throw InputError(path, name, "Fortran-ordered (column-major) arrays are not supported; save with np.ascontiguousarray");
  const std::string& t = file.m_typestring;
  const char native = xt::detail::get_endianess<std::int32_t>();
  if (t.size() < 3 || (t[0] != native && t[0] != '|'))
    throw InputError(path, name, "dtype '" + t + "' is not in this machine's byte order");
  switch (t[1]) {
    case 'b': return Kind::kBool;
    case 'i': return Kind::kSigned;
    case 'u': return Kind::kUnsigned;
    case 'f': return Kind::kFloat;
    default: throw InputError(path, name, "dtype '" + t + "' is not a bool, integer or float array");
  }
}

Parsed parse_npy(const std::string& path, const std::string& name, const std::string& bytes) {
  xt::detail::npy_file file = load_npy(path, name, bytes);
  Kind kind = kind_of(path, name, file);
  return Parsed{std::move(file), kind};
}

// Calls `use(adaptor)` with the array viewed as its own element type.
template <class Use>
void with_typed(Parsed& p, const std::string& path, const std::string& name, Use use) {
  const std::string& t = p.file.m_typestring;
  auto unsupported = [&] { throw InputError(path, name, "dtype '" + t + "' is not supported"); };
  const std::size_t bytes = p.file.m_word_size;
  switch (p.kind) {
    // Bytes, not bool: a byte other than 0/1 read as bool is undefined behaviour; callers check.
    case Kind::kBool: return use(std::move(p.file).cast<std::uint8_t>(false));
    case Kind::kSigned:
      if (bytes == 1) return use(std::move(p.file).cast<std::int8_t>());
      if (bytes == 2) return use(std::move(p.file).cast<std::int16_t>());
      if (bytes == 4) return use(std::move(p.file).cast<std::int32_t>());
      if (bytes == 8) return use(std::move(p.file).cast<std::int64_t>());
      return unsupported();
    case Kind::kUnsigned:
      if (bytes == 1) return use(std::move(p.file).cast<std::uint8_t>());
      if (bytes == 2) return use(std::move(p.file).cast<std::uint16_t>());
      if (bytes == 4) return use(std::move(p.file).cast<std::uint32_t>());
      if (bytes == 8) return use(std::move(p.file).cast<std::uint64_t>());
      return unsupported();
    case Kind::kFloat:
      if (bytes == 4) return use(std::move(p.file).cast<float>());
      if (bytes == 8) return use(std::move(p.file).cast<double>());
      return unsupported();
  }
}

std::vector<std::int64_t> shape_of(const Parsed& p) {
  std::vector<std::int64_t> s;
  for (auto d : p.file.m_shape) s.push_back(static_cast<std::int64_t>(d));
  return s;
}

}  // namespace

NpyArray<float> NpzArchive::read_float(const std::string& name) const {
  Parsed p = parse_npy(path_, name, entry_bytes(name));
  NpyArray<float> out{shape_of(p), {}};
  with_typed(p, path_, name, [&](auto&& a) {
    out.values.reserve(a.size());
    for (auto v : a) out.values.push_back(static_cast<float>(v));
  });
  return out;
}

NpyArray<std::int64_t> NpzArchive::read_int(const std::string& name) const {
  Parsed p = parse_npy(path_, name, entry_bytes(name));
  if (p.kind == Kind::kFloat)
    throw InputError(path_, name, "dtype '" + p.file.m_typestring + "': integers expected, not floats");
  NpyArray<std::int64_t> out{shape_of(p), {}};
  with_typed(p, path_, name, [&](auto&& a) {
    out.values.reserve(a.size());
    for (auto v : a) {
      using V = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<V, std::uint64_t>) {
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          throw InputError(path_, name, fmt::format("value {} does not fit in int64", v));
      }
      out.values.push_back(static_cast<std::int64_t>(v));
    }
  });
  return out;
}

NpyArray<bool> NpzArchive::read_bool(const std::string& name) const {
  Parsed p = parse_npy(path_, name, entry_bytes(name));
  if (p.kind == Kind::kFloat)
    throw InputError(path_, name, "dtype '" + p.file.m_typestring + "': a boolean mask expected, not floats");
  NpyArray<bool> out{shape_of(p), {}};
  with_typed(p, path_, name, [&](auto&& a) {
    out.values.reserve(a.size());
    std::size_t i = 0;
    for (auto v : a) {
      if (!(v == 0 || v == 1)) throw InputError(path_, name, fmt::format("entry {} is {}: a mask holds 0/1", i, +v));
      out.values.push_back(v != 0);
      ++i;
    }
  });
  return out;
}

}  // namespace hcdc::data
