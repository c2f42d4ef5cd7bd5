#pragma once
// A table of named entries (model families, condensation methods, search spaces, dataset
// sources) that each entry joins from its own file, in one line:
//   HCDC_REGISTER(condense::methods(), "random", 10, CondensationMethod{...});
// so adding one touches one file. The registries are function-local statics (created on first
// use, whatever the order in which files are initialised); listings are ordered by each entry's
// `order`, then name, since static initialisation order across files is unspecified.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hcdc {

// An unknown name; the message lists the known ones. The config layer turns it into an
// InputError naming the job key (config/registry_choice.hpp).
class UnknownName : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

template <class Entry>
class Registry {
 public:
  // `what`: how errors name an entry ("condensation method").
  explicit Registry(std::string what) : what_(std::move(what)) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns true so that registration can initialise a namespace-scope constant. A second entry
  // under one name is a programming error, reported at start-up.
  bool add(const std::string& name, int order, Entry entry) {
    if (!items_.emplace(name, Item{order, std::move(entry)}).second)
      throw std::logic_error(fmt::format("{} '{}' registered twice", what_, name));
    return true;
  }
  const Entry* find(const std::string& name) const {
    auto it = items_.find(name);
    return it == items_.end() ? nullptr : &it->second.entry;
  }
  const Entry& at(const std::string& name) const {
    if (const Entry* e = find(name)) return *e;
    throw UnknownName(fmt::format("unknown {} '{}' (known: {})", what_, name, fmt::join(names(), ", ")));
  }
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  std::vector<std::string> names() const {
    std::vector<std::pair<int, std::string>> order;
    for (const auto& [name, item] : items_) order.emplace_back(item.order, name);
    std::sort(order.begin(), order.end());
    std::vector<std::string> out;
    for (auto& [o, name] : order) out.push_back(std::move(name));
    return out;
  }
  const std::string& what() const { return what_; }

 private:
  struct Item {
    int order;
    Entry entry;
  };
  std::string what_;
  std::map<std::string, Item> items_;  // node-based: entries never move once registered
};

}  // namespace hcdc

#define HCDC_REGISTRY_CONCAT_(a, b) a##b
#define HCDC_REGISTRY_CONCAT(a, b) HCDC_REGISTRY_CONCAT_(a, b)
// Registers ENTRY under NAME in REGISTRY at static-initialisation time (ORDER: listing position).
#define HCDC_REGISTER(REGISTRY, NAME, ORDER, ...)                                                   \
  [[maybe_unused]] static const bool HCDC_REGISTRY_CONCAT(hcdc_registered_, __LINE__) = \
      (REGISTRY).add(NAME, ORDER, __VA_ARGS__)
