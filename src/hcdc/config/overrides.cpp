#include "hcdc/config/overrides.hpp"

#include <fmt/format.h>

#include <sstream>

#include "hcdc/core/error.hpp"

namespace hcdc::config {

void apply_overrides(toml::table& root, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("", "--set", fmt::format("expected section.key=VALUE, got '{}'", o));
    const std::string path = o.substr(0, eq), value = o.substr(eq + 1);
    std::vector<std::string> keys;
    std::stringstream ss(path);
    for (std::string k; std::getline(ss, k, '.');) {
      if (k.empty()) throw InputError("", "--set", fmt::format("empty key in '{}'", path));
      keys.push_back(k);
    }
    toml::table* t = &root;
    for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
      auto it = t->insert(keys[i], toml::table{}).first;  // keeps an existing entry
      t = it->second.as_table();
      if (t == nullptr) throw InputError("", "--set", fmt::format("'{}' in '{}' is not a table", keys[i], path));
    }
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      parsed = toml::table{{"v", value}};  // not a TOML value: a bare string
    }
    t->insert_or_assign(keys.back(), std::move(*parsed.get("v")));
  }
}

std::string effective_text(const std::string& file_text, const toml::table& root,
                           const std::vector<std::string>& overrides) {
  if (overrides.empty()) return file_text;
  std::ostringstream out;
  out << "# effective job: the file with --set " << fmt::format("{}", fmt::join(overrides, " --set ")) << "\n"
      << toml::toml_formatter{root} << "\n";
  return out.str();
}

}  // namespace hcdc::config
