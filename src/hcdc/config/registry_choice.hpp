#pragma once
// Looks a job file's value up in a registry; an unknown name is an InputError naming the file and
// the key, listing the known names. Lower layers only know names, never job keys.
#include <string>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/core/registry.hpp"

namespace hcdc::config {

template <class Entry>
const Entry& choose(const StrictTable& t, const std::string& key, const std::string& name,
                    const Registry<Entry>& registry) {
  try {
    return registry.at(name);
  } catch (const UnknownName& e) {
    t.fail(key, e.what());
  }
}

}  // namespace hcdc::config
