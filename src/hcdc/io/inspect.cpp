#include "hcdc/io/inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "hcdc/core/error.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::io {
namespace {

std::string class_counts(const std::vector<std::int64_t>& labels, const std::vector<std::int64_t>* subset,
                         std::int64_t num_classes) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(std::max<std::int64_t>(num_classes, 0)), 0);
  auto add = [&](std::int64_t y) {
    if (y >= 0 && y < num_classes) ++counts[y];
  };
  if (subset) {
    for (auto i : *subset)
      if (i >= 0 && i < static_cast<std::int64_t>(labels.size())) add(labels[i]);
  } else {
    for (auto y : labels) add(y);
  }
  return fmt::format("{}", fmt::join(counts, " "));
}

}  // namespace

std::string inspect_file(const std::string& path) {
  H5File f = H5File::open_read(path);
  std::string out = fmt::format("file: {}\n", path);
  const Schema* schema = nullptr;
  try {
    schema = &schema_of(f);
    validate_file(path);
    out += fmt::format("schema: {} {} (valid)\n", schema->name, f.attr_string("schema_version"));
  } catch (const InputError& e) {
    out += fmt::format("schema: INVALID: {}\n", e.what());
  }
  out += "attributes:\n";
  for (const auto& name : f.attr_names()) {
    std::string v = f.attr_as_text(name);
    if (v.size() > 120) v = v.substr(0, 117) + "...";
    for (auto& ch : v)
      if (ch == '\n') ch = ' ';
    out += fmt::format("  {:<16} {}\n", name, v);
  }
  out += "datasets:\n";
  for (const auto& d : f.list_datasets())
    out += fmt::format("  {:<24} {:<8} [{}]{}\n", d.path, dtype_name(d.dtype), fmt::join(d.dims, ", "),
                       d.compressed ? " compressed" : "");
  if (schema && schema->spec.contains("labelled") && f.has_attr("num_classes")) {
    const auto& lab = schema->spec["labelled"];
    std::string lp = lab["labels"];
    if (f.exists(lp)) {
      auto labels = f.read<std::int64_t>(lp);
      std::int64_t k = f.attr_int("num_classes");
      out += fmt::format("class balance (counts for classes 0..{}):\n", k - 1);
      out += fmt::format("  {:<8} n={:<8} {}\n", "all", labels.size(), class_counts(labels, nullptr, k));
      for (const auto& sp : lab["splits"]) {
        std::string sp_path = sp;
        if (!f.exists(sp_path)) continue;
        auto idx = f.read<std::int64_t>(sp_path);
        auto name = sp_path.substr(sp_path.rfind('/') + 1);
        out += fmt::format("  {:<8} n={:<8} {}\n", name, idx.size(), class_counts(labels, &idx, k));
      }
    }
  }
  return out;
}

}  // namespace hcdc::io
