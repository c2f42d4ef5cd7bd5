#include "hcdc/run/reference.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>

#include "hcdc/condense/method.hpp"
#include "hcdc/config/strict_table.hpp"
#include "hcdc/core/markdown.hpp"
#include "hcdc/run/dataset_source.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/run/model_spec.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::run {
namespace {

// The keys `parse` reads from an empty [section] table, as "`key` (default)" items.
template <class Parse>
std::string own_keys(const std::string& section, Parse&& parse) {
  auto log = std::make_shared<config::KeyLog>();
  auto t = config::StrictTable::recording(log, section);
  parse(t);
  std::vector<std::string> items;
  for (const auto& k : *log) {
    std::string key = k.key.substr(section.size() + 1);
    items.push_back(fmt::format("`{}` ({})", key, k.fallback));
  }
  return items.empty() ? "—" : fmt::format("{}", fmt::join(items, ", "));
}

std::string cell(const std::string& s) { return markdown_cell(s); }

}  // namespace

std::string job_reference() {
  std::string md = std::string(kReferenceBegin) + "\n\n";
  md += "### Registered names\n\n";
  md += "`[dataset] kind` — where the data comes from (`hcdc run`, every command):\n\n";
  md += "| kind | what it is | its keys (default) |\n| --- | --- | --- |\n";
  for (const auto& name : dataset_sources().names()) {
    const auto& e = dataset_sources().at(name);
    md += fmt::format("| `{}` | {} | {} |\n", name, cell(e.help),
                      own_keys("dataset", [&](config::StrictTable& t) { e.parse(t, 0); }));
  }
  md += "\n`[model] family` — the model of `hcdc hpo` and `hcdc hypergrad`:\n\n";
  md += "| family | what it is | its keys (default) |\n| --- | --- | --- |\n";
  for (const auto& name : model_families().names()) {
    const auto& e = model_families().at(name);
    md += fmt::format("| `{}` | {} | {} |\n", name, cell(e.help),
                      own_keys("model", [&](config::StrictTable& t) { e.parse(t); }));
  }
  md += "\n`[search] kind` — the search space of the condensation experiment:\n\n";
  md += "| kind | what it is | its keys (default) |\n| --- | --- | --- |\n";
  for (const auto& name : search::search_spaces().names()) {
    const auto& e = search::search_spaces().at(name);
    md += fmt::format("| `{}` | {} | {} |\n", name, cell(e.help), own_keys("search", [&](config::StrictTable& t) {
                        search::SearchSpaceSpec s;
                        e.parse(t, s);
                      }));
  }
  md += "\n`[search] family` — the model every candidate is, trained on the original and on condensed data:\n\n";
  md += "| family | what it is | a condensed sample carries |\n| --- | --- | --- |\n";
  for (const auto& name : search::candidate_families().names()) {
    const auto& e = search::candidate_families().at(name);
    md += fmt::format("| `{}` | {} | {} |\n", name, cell(e.help), cell(e.carries));
  }
  md += "\n`[condense] methods` (and `hcdc condense --method`), each with the section it reads:\n\n";
  md += "| method | what it is | how | its section and keys (default) |\n| --- | --- | --- | --- |\n";
  for (const auto& name : condense::methods().names()) {
    const auto& e = condense::methods().at(name);
    const char* how = e.learns_validation ? "learns S_val; S_train from `condense.hcdc_train_method`"
                      : e.coreset         ? "picks distinct original nodes per class"
                                          : "synthesises nodes per class";
    std::string keys = e.learns_validation ? "`[hcdc]` (below)" : "—";
    if (!e.section.empty() && e.parse_options)
      keys = fmt::format("`[{}]`: {}", e.section, own_keys(e.section, [&](config::StrictTable& t) { e.parse_options(t); }));
    md += fmt::format("| `{}` | {} | {} | {} |\n", name, cell(e.help), how, keys);
  }

  md += "\n### Every other key, its type and default\n\n";
  auto log = std::make_shared<config::KeyLog>();
  auto top = config::StrictTable::recording(log, "");
  JobSpec j;
  parse_job_sections(top, j);
  md += "| key | type | default |\n| --- | --- | --- |\n";
  for (const auto& k : *log) md += fmt::format("| `{}` | {} | `{}` |\n", k.key, k.type, cell(k.fallback));
  md += "\n" + std::string(kReferenceEnd) + "\n";
  return md;
}

std::string registered_names() {
  return fmt::format(
      "Registered names (keys and defaults: hcdc reference):\n"
      "  [dataset] kind:    {}\n  [model] family:    {}\n  [search] kind:     {}\n  [search] family:   {}\n"
      "  condense methods:  {}\n",
      fmt::join(dataset_sources().names(), ", "), fmt::join(model_families().names(), ", "),
      fmt::join(search::search_spaces().names(), ", "), fmt::join(search::candidate_families().names(), ", "),
      fmt::join(condense::methods().names(), ", "));
}

}  // namespace hcdc::run
