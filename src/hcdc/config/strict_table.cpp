#include "hcdc/config/strict_table.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "hcdc/core/error.hpp"

namespace hcdc::config {

toml::table parse_toml_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path, "", "job file does not exist");
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw InputError(path, fmt::format("line {} column {}", b.line, b.column), std::string(e.description()));
  }
}

StrictTable::StrictTable(const toml::table* t, std::string file, std::string prefix)
    : t_(t), file_(std::move(file)), prefix_(std::move(prefix)) {}

StrictTable StrictTable::recording(std::shared_ptr<KeyLog> log, std::string prefix) {
  StrictTable t(nullptr, "<reference>", std::move(prefix));
  t.log_ = std::move(log);
  return t;
}

void StrictTable::fail(const std::string& key, const std::string& what) const {
  throw InputError(file_, qualified(key), what);
}

bool StrictTable::has(const std::string& key) const { return t_ && t_->contains(key); }

namespace {
const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    default: return "date/time";
  }
}
}  // namespace

template <>
std::int64_t StrictTable::convert<std::int64_t>(const std::string& key, const toml::node& n) const {
  if (auto v = n.value_exact<std::int64_t>()) return *v;
  fail(key, fmt::format("expected an integer, got a {}", type_name(n)));
}
template <>
double StrictTable::convert<double>(const std::string& key, const toml::node& n) const {
  if (n.is_integer()) return static_cast<double>(*n.value_exact<std::int64_t>());
  if (auto v = n.value_exact<double>()) return *v;
  fail(key, fmt::format("expected a number, got a {}", type_name(n)));
}
template <>
bool StrictTable::convert<bool>(const std::string& key, const toml::node& n) const {
  if (auto v = n.value_exact<bool>()) return *v;
  fail(key, fmt::format("expected true or false, got a {}", type_name(n)));
}
template <>
std::string StrictTable::convert<std::string>(const std::string& key, const toml::node& n) const {
  if (auto v = n.value_exact<std::string>()) return *v;
  fail(key, fmt::format("expected a string, got a {}", type_name(n)));
}
template <>
std::vector<double> StrictTable::convert<std::vector<double>>(const std::string& key, const toml::node& n) const {
  const auto* arr = n.as_array();
  if (!arr) fail(key, fmt::format("expected an array of numbers, got a {}", type_name(n)));
  std::vector<double> out;
  for (std::size_t i = 0; i < arr->size(); ++i) out.push_back(convert<double>(fmt::format("{}[{}]", key, i), *arr->get(i)));
  return out;
}
template <>
std::vector<std::string> StrictTable::convert<std::vector<std::string>>(const std::string& key,
                                                                         const toml::node& n) const {
  const auto* arr = n.as_array();
  if (!arr) fail(key, fmt::format("expected an array of strings, got a {}", type_name(n)));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < arr->size(); ++i)
    out.push_back(convert<std::string>(fmt::format("{}[{}]", key, i), *arr->get(i)));
  return out;
}

namespace {
template <class T>
const char* doc_type();
template <>
const char* doc_type<std::int64_t>() { return "integer"; }
template <>
const char* doc_type<double>() { return "float"; }
template <>
const char* doc_type<bool>() { return "boolean"; }
template <>
const char* doc_type<std::string>() { return "string"; }
template <>
const char* doc_type<std::vector<double>>() { return "array of floats"; }
template <>
const char* doc_type<std::vector<std::string>>() { return "array of strings"; }

std::string doc_value(std::int64_t v) { return std::to_string(v); }
std::string doc_value(double v) { return fmt::format("{}", v); }
std::string doc_value(bool v) { return v ? "true" : "false"; }
std::string doc_value(const std::string& v) { return v.empty() ? "\"\"" : "\"" + v + "\""; }
template <class T>
std::string doc_value(const std::vector<T>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + doc_value(v[i]);
  return out + "]";
}
}  // namespace

template <class T>
T StrictTable::get(const std::string& key, const T& fallback) {
  used_.insert(key);
  if (log_) log_->push_back({qualified(key), doc_type<T>(), doc_value(fallback)});
  if (!has(key)) return fallback;
  return convert<T>(key, *t_->get(key));
}

template <class T>
T StrictTable::require(const std::string& key) {
  used_.insert(key);
  if (log_) {
    log_->push_back({qualified(key), doc_type<T>(), "required"});
    if (!has(key)) return T{};
  }
  if (!has(key)) fail(key, "required key missing");
  return convert<T>(key, *t_->get(key));
}

StrictTable StrictTable::table(const std::string& key) {
  used_.insert(key);
  if (!has(key)) {
    StrictTable sub(nullptr, file_, qualified(key));
    sub.log_ = log_;
    return sub;
  }
  const auto* sub = t_->get(key)->as_table();
  if (!sub) fail(key, fmt::format("expected a table, got a {}", type_name(*t_->get(key))));
  return StrictTable(sub, file_, qualified(key));
}

void StrictTable::finish() const {
  if (!t_) return;
  for (const auto& [k, v] : *t_) {
    std::string key(k.str());
    if (!used_.count(key)) fail(key, "unknown key (check the spelling; see jobs/README.md for the keys)");
  }
}

#define HCDC_INSTANTIATE(T)                                          \
  template T StrictTable::get<T>(const std::string&, const T&);      \
  template T StrictTable::require<T>(const std::string&);
HCDC_INSTANTIATE(std::int64_t)
HCDC_INSTANTIATE(double)
HCDC_INSTANTIATE(bool)
HCDC_INSTANTIATE(std::string)
HCDC_INSTANTIATE(std::vector<double>)
HCDC_INSTANTIATE(std::vector<std::string>)
#undef HCDC_INSTANTIATE

}  // namespace hcdc::config
