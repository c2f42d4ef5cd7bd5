#include "hcdc/io/schema.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "hcdc/core/error.hpp"
#include "hcdc/io/embedded_schemas.hpp"
#include "hcdc/io/h5file.hpp"

namespace hcdc::io {

SchemaVersion SchemaVersion::parse(const std::string& text, const std::string& file, const std::string& field) {
  SchemaVersion v;
  char dot = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%n", &v.major, &dot, &v.minor, &consumed) != 3 || dot != '.' ||
      consumed != static_cast<int>(text.size()))
    throw InputError(file, field, fmt::format("'{}' is not a MAJOR.MINOR version", text));
  return v;
}

const std::vector<Schema>& all_schemas() {
  static const std::vector<Schema> schemas = [] {
    std::vector<Schema> out;
    for (const auto& [file, text] : embedded_schema_texts()) {
      Schema s;
      s.spec = nlohmann::json::parse(text);
      s.name = s.spec.at("schema_name").get<std::string>();
      s.version = SchemaVersion::parse(s.spec.at("schema_version").get<std::string>(), file, "schema_version");
      out.push_back(std::move(s));
    }
    return out;
  }();
  return schemas;
}

const Schema& schema_by_name(const std::string& name) {
  for (const auto& s : all_schemas())
    if (s.name == name) return s;
  throw std::logic_error("no embedded schema named " + name);
}

const Schema& schema_of(const H5File& f) {
  for (const char* required : {"schema_name", "schema_version"})
    if (!f.has_attr(required))
      throw InputError(f.path(), required, "root attribute missing: not an hcdc file (or written by another tool)");
  std::string name = f.attr_string("schema_name");
  const Schema* found = nullptr;
  for (const auto& s : all_schemas())
    if (s.name == name) found = &s;
  if (!found) throw InputError(f.path(), "schema_name", fmt::format("unknown schema '{}'", name));
  auto v = SchemaVersion::parse(f.attr_string("schema_version"), f.path(), "schema_version");
  if (v.major != found->version.major)
    throw InputError(f.path(), "schema_version",
                     fmt::format("{} version {} is not readable by this hcdc, which reads major version {} (file "
                                 "written by {}); convert the file or use a matching hcdc",
                                 name, v.str(), found->version.major,
                                 f.has_attr("writer_version") ? f.attr_string("writer_version") : "an unknown writer"));
  return *found;
}

void stamp_schema(H5File& f, const std::string& schema_name) {
  const Schema& s = schema_by_name(schema_name);
  write_standard_attributes(f, s.name, s.version.str());
}

}  // namespace hcdc::io
