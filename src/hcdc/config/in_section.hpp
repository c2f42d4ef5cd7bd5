#pragma once
// Runs `fn` (which builds something from a job section's settings) and turns a SettingError from
// the layers below into an InputError naming `file` and the job key `section.setting`.
#include <string>
#include <utility>

#include "hcdc/core/error.hpp"

namespace hcdc::config {

template <class Fn>
decltype(auto) in_section(const std::string& file, const std::string& section, Fn&& fn) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const SettingError& e) {
    throw InputError(file, section + "." + e.setting(), e.what_only());
  }
}

}  // namespace hcdc::config
