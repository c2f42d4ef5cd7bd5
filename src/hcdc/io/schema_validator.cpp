// The generic, schema-driven validator: everything it checks is declared in hdf5_schemas/*.json.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::io {
namespace {

using json = nlohmann::json;

class Validator {
 public:
  Validator(const H5File& f, const Schema& s) : f_(f), s_(s) {}

  ValidationReport run() {
    ValidationReport r;
    r.schema_name = s_.name;
    r.schema_version = f_.attr_string("schema_version");
    for (const char* a : {"writer_version", "created"})
      if (!f_.has_attr(a)) fail(a, "root attribute missing");
    check_attributes();
    r.checked.push_back("root attributes");
    check_datasets();
    r.checked.push_back("datasets: presence, dtypes, shapes");
    check_contents();
    r.checked.push_back("contents: finite values, label ranges, index ranges");
    if (s_.spec.contains("csr")) {
      check_csr();
      r.checked.push_back("CSR structure");
    }
    if (s_.spec.contains("disjoint")) {
      check_disjoint();
      r.checked.push_back("disjoint splits");
    }
    if (s_.spec.contains("payload_digest")) {
      std::string group = s_.spec["payload_digest"];
      std::string want = f_.attr_string("payload_digest");
      if (payload_digest(f_, group) != want)
        fail("payload_digest", "digest mismatch: the file is damaged or was modified after writing");
      r.checked.push_back("payload digest");
    }
    return r;
  }

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw InputError(f_.path(), field, what);
  }

  void check_attributes() {
    for (const auto& a : s_.spec.value("root_attributes", json::array())) {
      std::string name = a["name"];
      if (!f_.has_attr(name)) {
        if (a.value("required", false)) fail(name, "required root attribute missing");
        continue;
      }
      std::string type = a["type"];
      if (type == "int") {
        std::int64_t v = f_.attr_int(name);
        if (a.contains("min") && v < a["min"].get<std::int64_t>())
          fail(name, fmt::format("value {} below the minimum {}", v, a["min"].get<std::int64_t>()));
        symbols_[name] = v;
        if (a.contains("binds")) symbols_[a["binds"].get<std::string>()] = v;
      } else if (type == "string") {
        f_.attr_string(name);
      } else {
        f_.attr_double(name);
      }
    }
  }

  // An entry with "since": "1.1" describes files of that minor version on: older files of the
  // same major version were written without it and are read as they are.
  bool applies(const json& d) const {
    if (!d.contains("since")) return true;
    auto since = SchemaVersion::parse(d["since"].get<std::string>(), "schema", "since");
    auto have = SchemaVersion::parse(f_.attr_string("schema_version"), f_.path(), "schema_version");
    return have.minor >= since.minor;
  }

  // Floating-point bounds: "above" (exclusive lower), "max" (inclusive upper).
  void check_bounds(const std::string& p, const json& d) const {
    auto v = f_.read<double>(p);
    for (size_t i = 0; i < v.size(); ++i) {
      if (d.contains("above") && !(v[i] > d["above"].get<double>()))
        fail(p, fmt::format("value {} at index {} is not above {}", v[i], i, d["above"].get<double>()));
      if (d.contains("max") && !(v[i] <= d["max"].get<double>()))
        fail(p, fmt::format("value {} at index {} is above the maximum {}", v[i], i, d["max"].get<double>()));
    }
  }

  bool present(const std::string& path) const {
    if (path.find('*') != std::string::npos) return !matches(path).empty();
    return f_.exists(path);
  }

  std::vector<std::string> matches(const std::string& pattern) const {
    auto star = pattern.find('*');
    if (star == std::string::npos) return {pattern};
    std::string prefix = pattern.substr(0, star);
    std::vector<std::string> out;
    if (!f_.exists(prefix.empty() ? "/" : prefix.substr(0, prefix.size() - 1))) return out;
    for (const auto& d : datasets_)
      if (d.path.compare(0, prefix.size(), prefix) == 0) out.push_back(d.path);
    return out;
  }

  // A dimension spec: "N" binds or compares a symbol, "N+1" the symbol plus one, "...x" binds the
  // trailing dimensions as a tuple, "..." accepts any trailing dimensions, "7" a literal.
  void check_dims(const std::string& path, const json& spec, const std::vector<std::int64_t>& dims) {
    size_t i = 0;
    for (const auto& d : spec) {
      std::string sym = d.is_string() ? d.get<std::string>() : std::to_string(d.get<std::int64_t>());
      if (sym.rfind("...", 0) == 0) {
        std::vector<std::int64_t> rest(dims.begin() + static_cast<long>(std::min(i, dims.size())), dims.end());
        std::string name = sym.substr(3);
        if (!name.empty()) {
          auto it = tuples_.find(name);
          if (it == tuples_.end()) tuples_[name] = rest;
          else if (it->second != rest)
            fail(path, fmt::format("trailing shape [{}] differs from [{}] of another dataset",
                                   fmt::join(rest, ", "), fmt::join(it->second, ", ")));
        }
        return;
      }
      if (i >= dims.size())
        fail(path, fmt::format("has {} dimensions, expected {}", dims.size(), spec.size()));
      std::int64_t offset = 0;
      if (auto plus = sym.find('+'); plus != std::string::npos) {
        offset = std::stoll(sym.substr(plus + 1));
        sym = sym.substr(0, plus);
      }
      std::int64_t actual = dims[i] - offset;
      if (!sym.empty() && std::isdigit(static_cast<unsigned char>(sym[0]))) {
        if (actual != std::stoll(sym)) fail(path, fmt::format("dimension {} is {}, expected {}", i, dims[i], d.dump()));
      } else if (auto it = symbols_.find(sym); it != symbols_.end()) {
        if (actual != it->second)
          fail(path, fmt::format("dimension {} is {} but {} = {} elsewhere in the file (length mismatch)", i, dims[i],
                                 sym, it->second + offset));
      } else {
        symbols_[sym] = actual;
      }
      ++i;
    }
    if (i != dims.size()) fail(path, fmt::format("has {} dimensions, expected {}", dims.size(), spec.size()));
  }

  void check_datasets() {
    datasets_ = f_.list_datasets();
    for (const auto& d : s_.spec.at("datasets")) {
      if (!applies(d)) continue;
      std::string path = d["path"];
      bool required = d.value("required", false);
      if (d.contains("required_unless")) required = !present(d["required_unless"].get<std::string>());
      if (d.contains("required_with")) required = present(d["required_with"].get<std::string>());
      if (!present(path)) {
        if (required) fail(path, "required dataset missing");
        continue;
      }
      for (const auto& p : matches(path)) {
        DatasetInfo info = f_.info(p);
        std::vector<std::string> allowed = d["dtypes"];
        if (std::find(allowed.begin(), allowed.end(), dtype_name(info.dtype)) == allowed.end())
          fail(p, fmt::format("dtype {} not allowed (expected {})", dtype_name(info.dtype), fmt::join(allowed, " or ")));
        check_dims(p, d["dims"], info.dims);
        infos_[p] = info;
      }
    }
  }

  void check_contents() {
    for (const auto& d : s_.spec.at("datasets")) {
      if (!applies(d)) continue;
      for (const auto& p : matches(d["path"])) {
        if (!infos_.count(p)) continue;
        const DatasetInfo& info = infos_[p];
        if (d.value("finite", false)) check_finite(p, info);
        if (d.contains("above") || d.contains("max")) check_bounds(p, d);
        if (d.contains("range")) {
          auto lo = d["range"][0].get<std::int64_t>();
          auto hi = resolve(d["range"][1], p);
          auto v = f_.read<std::int64_t>(p);
          for (size_t i = 0; i < v.size(); ++i)
            if (v[i] < lo || v[i] >= hi)
              fail(p, fmt::format("value {} at index {} outside [{}, {}) (label out of range)", v[i], i, lo, hi));
        }
        if (d.contains("index_into")) {
          auto n = resolve(d["index_into"], p);
          auto v = f_.read<std::int64_t>(p);
          for (size_t i = 0; i < v.size(); ++i)
            if (v[i] < 0 || v[i] >= n) fail(p, fmt::format("index {} at position {} outside [0, {})", v[i], i, n));
          std::sort(v.begin(), v.end());
          if (auto it = std::adjacent_find(v.begin(), v.end()); it != v.end())
            fail(p, fmt::format("index {} appears twice", *it));
        }
      }
    }
  }

  std::int64_t resolve(const json& v, const std::string& field) const {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    auto it = symbols_.find(v.get<std::string>());
    if (it == symbols_.end()) fail(field, fmt::format("cannot resolve '{}' (missing attribute?)", v.get<std::string>()));
    return it->second;
  }

  void check_finite(const std::string& p, const DatasetInfo& info) const {
    auto report = [&](size_t i, double x) {
      fail(p, fmt::format("non-finite value {} at flat index {}", x, i));
    };
    if (info.dtype == DType::kFloat32) {
      auto v = f_.read<float>(p);
      for (size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i])) report(i, v[i]);
    } else if (info.dtype == DType::kFloat64) {
      auto v = f_.read<double>(p);
      for (size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i])) report(i, v[i]);
    }
  }

  void check_csr() {
    for (const auto& c : s_.spec["csr"]) {
      std::string ip = c["indptr"], ix = c["indices"];
      if (!f_.exists(ip)) continue;
      auto indptr = f_.read<std::int64_t>(ip);
      auto indices = f_.read<std::int64_t>(ix);
      std::optional<std::int64_t> cols;
      if (c.contains("cols")) cols = resolve(c["cols"], ix);
      if (c.contains("cols_attr") && f_.has_attr(c["cols_attr"])) cols = f_.attr_int(c["cols_attr"]);
      if (indptr.empty() || indptr.front() != 0) fail(ip, "must start at 0");
      for (size_t i = 1; i < indptr.size(); ++i)
        if (indptr[i] < indptr[i - 1]) fail(ip, fmt::format("decreases at row {}", i - 1));
      if (indptr.back() != static_cast<std::int64_t>(indices.size()))
        fail(ip, fmt::format("last entry {} != number of indices {}", indptr.back(), indices.size()));
      if (cols)
        for (size_t i = 0; i < indices.size(); ++i)
          if (indices[i] < 0 || indices[i] >= *cols)
            fail(ix, fmt::format("column {} at position {} outside [0, {})", indices[i], i, *cols));
    }
  }

  void check_disjoint() {
    for (const auto& group : s_.spec["disjoint"]) {
      std::map<std::int64_t, std::string> owner;
      for (const auto& p : group) {
        std::string path = p;
        if (!f_.exists(path)) continue;
        for (auto idx : f_.read<std::int64_t>(path)) {
          auto [it, inserted] = owner.emplace(idx, path);
          if (!inserted && it->second != path)
            fail(path, fmt::format("index {} is also in {} (splits overlap)", idx, it->second));
        }
      }
    }
  }

  const H5File& f_;
  const Schema& s_;
  std::vector<DatasetInfo> datasets_;
  std::map<std::string, DatasetInfo> infos_;
  std::map<std::string, std::int64_t> symbols_;
  std::map<std::string, std::vector<std::int64_t>> tuples_;
};

template <class T>
void digest_dataset(const H5File& f, const std::string& path, Crc32& crc) {
  auto v = f.read<T>(path);
  crc.update(v.data(), v.size() * sizeof(T));
}

}  // namespace

std::string payload_digest(const H5File& f, const std::string& group) {
  Crc32 crc;
  std::string prefix = group + "/";
  for (const auto& d : f.list_datasets()) {
    if (d.path.compare(0, prefix.size(), prefix) != 0) continue;
    crc.update(d.path.data(), d.path.size());
    crc.update(d.dims.data(), d.dims.size() * sizeof(std::int64_t));
    switch (d.dtype) {
      case DType::kUInt8: digest_dataset<std::uint8_t>(f, d.path, crc); break;
      case DType::kInt32: digest_dataset<std::int32_t>(f, d.path, crc); break;
      case DType::kInt64: digest_dataset<std::int64_t>(f, d.path, crc); break;
      case DType::kFloat32: digest_dataset<float>(f, d.path, crc); break;
      case DType::kFloat64: digest_dataset<double>(f, d.path, crc); break;
      default: throw InputError(f.path(), d.path, "unsupported dtype in a digested group");
    }
  }
  return crc.hex();
}

ValidationReport validate_file(const std::string& path) {
  H5File f = H5File::open_read(path);
  return Validator(f, schema_of(f)).run();
}

}  // namespace hcdc::io
