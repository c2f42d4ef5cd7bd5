#pragma once
// Strict reading of TOML job files: every key the program reads is recorded, and finish() turns
// any key left over into an error naming it, so typos never silently fall back to defaults.
// Wrong types are errors naming the key and the expected type.
#include <toml++/toml.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hcdc::config {

toml::table parse_toml_file(const std::string& path);

// One key a parser reads, as the job-key reference shows it (recorded, not written by hand, so
// the reference cannot drift from the parser).
struct KeyDoc {
  std::string key;       // qualified: "dataset.num_nodes"
  std::string type;      // "integer", "float", "boolean", "string", "array of floats", "array of strings"
  std::string fallback;  // the default as TOML text, or "required"
};
using KeyLog = std::vector<KeyDoc>;

class StrictTable {
 public:
  StrictTable(const toml::table* t, std::string file, std::string prefix);
  // An empty table that records every key read (with its type and default) into `log`; a
  // required key reads as the type's empty value. For generating the job-key reference.
  static StrictTable recording(std::shared_ptr<KeyLog> log, std::string prefix);

  bool has(const std::string& key) const;
  template <class T>
  T get(const std::string& key, const T& fallback);
  template <class T>
  T require(const std::string& key);
  // A nested table; an absent one reads as empty (so its keys take their defaults).
  StrictTable table(const std::string& key);
  // Throws InputError for the first key that was never read (recursively through sub-tables).
  void finish() const;

  const std::string& file() const { return file_; }
  std::string qualified(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  bool recording() const { return log_ != nullptr; }

 private:
  template <class T>
  T convert(const std::string& key, const toml::node& n) const;
  const toml::table* t_;
  std::string file_, prefix_;
  mutable std::set<std::string> used_;
  std::shared_ptr<KeyLog> log_;
};

}  // namespace hcdc::config
