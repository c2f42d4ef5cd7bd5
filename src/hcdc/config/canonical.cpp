#include "hcdc/config/canonical.hpp"

#include <algorithm>
#include <sstream>

namespace hcdc::config {

std::string canonical_text(const toml::table& root, const std::vector<std::string>& drop,
                           const std::vector<std::string>& keep_only) {
  toml::table t = root;
  if (!keep_only.empty()) {
    std::vector<std::string> gone;
    for (const auto& [k, v] : t)
      if (std::find(keep_only.begin(), keep_only.end(), std::string(k.str())) == keep_only.end())
        gone.emplace_back(k.str());
    for (const auto& k : gone) t.erase(k);
  }
  for (const auto& path : drop) {
    toml::table* parent = &t;
    std::string rest = path;
    for (auto dot = rest.find('.'); dot != std::string::npos && parent != nullptr; dot = rest.find('.')) {
      parent = parent->get_as<toml::table>(rest.substr(0, dot));
      rest = rest.substr(dot + 1);
    }
    if (parent != nullptr) parent->erase(rest);
  }
  // A table left empty by the drops says nothing: [dist] with only checkpoint_dir set must read
  // as no [dist] at all.
  std::vector<std::string> empty;
  for (const auto& [k, v] : t)
    if (const auto* sub = v.as_table(); sub != nullptr && sub->empty()) empty.emplace_back(k.str());
  for (const auto& k : empty) t.erase(k);
  // toml::table keeps its keys in a sorted map, and the formatter prints every value in one
  // spelling (1e-3 and 0.001 alike), so this text is the normal form.
  std::ostringstream out;
  out << toml::toml_formatter{t, toml::format_flags::none};
  return out.str();
}

}  // namespace hcdc::config
