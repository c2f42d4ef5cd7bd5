#pragma once
// The condensation methods, by name. A method joins from its own file in one line:
//   HCDC_REGISTER(condense::methods(), "my-method", 100, condense::CondensationMethod{...});
// and is then accepted by `hcdc condense --method`, the job key condense.methods, the feasibility
// check and the results table, with nothing else to edit.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/config/strict_table.hpp"
#include "hcdc/core/registry.hpp"

namespace hcdc::condense {

struct Selection {  // a condensed set drawn from (or learned on) the original training nodes
  search::LabelledBlocks set;
  torch::Tensor adjacency;  // a learned synthetic adjacency, or undefined
  torch::Tensor rows;       // a coreset's picked rows of the pool (int64), or undefined
  std::vector<double> history;  // a learned set's loss per iteration (matching loss), else empty
};

struct CondensationMethod {
  std::string help;
  // Picks distinct original samples, so a class cannot give more than it has.
  bool coreset = false;
  // Learns S_val itself (HCDC): S_train then comes from the job's hcdc_train_method, and
  // `select` is not used.
  bool learns_validation = false;
  // The kinds of data `select` handles: graphs (feature blocks, or a graph for message passing)
  // and images (N×C×H×W; condense::is_image_task).
  bool graphs = true, images = false;
  // For message-passing candidates (CondenseSettings::message_passing) `select` synthesises node
  // features with a graph over them (Selection::adjacency) rather than feature blocks (GCond).
  bool synthesises_graphs = false;
  // The method's own options: the job section it reads (methods may share one; the first
  // registered parses it) and how. The parsed value reaches `select` as s.sections[section].
  std::string section;
  std::function<std::any(config::StrictTable& t)> parse_options;
  // `per_class[c]` samples of class c from task.train (seeded by s.seed).
  std::function<Selection(const GraphTask& task, const std::vector<std::int64_t>& per_class,
                          const CondenseSettings& s)>
      select;
};

Registry<CondensationMethod>& methods();

// Every registered method's section parsed from `top` (each section once), for
// CondenseSettings::sections.
std::map<std::string, std::any> parse_method_sections(config::StrictTable& top);

// A method's options from s.sections (its defaults, from parsing an empty section, when absent).
template <class Options>
Options section_options(const CondenseSettings& s, const std::string& section) {
  auto it = s.sections.find(section);
  return it == s.sections.end() ? Options{} : std::any_cast<Options>(it->second);
}

// Rows `rows` of a labelled set.
search::LabelledBlocks pick_rows(const search::LabelledBlocks& b, const std::vector<std::int64_t>& rows);

}  // namespace hcdc::condense
