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
#include "hcdc/core/registry.hpp"

namespace hcdc::condense {

struct Selection {  // a condensed set drawn from (or learned on) the original training nodes
  search::LabelledBlocks set;
  torch::Tensor adjacency;  // a learned synthetic adjacency, or undefined
};

struct CondensationMethod {
  std::string help;
  // Picks distinct original samples, so a class cannot give more than it has.
  bool coreset = false;
  // Learns S_val itself (HCDC): S_train then comes from the job's hcdc_train_method, and
  // `select` is not used.
  bool learns_validation = false;
  // `per_class[c]` samples of class c from task.train (seeded by s.seed).
  std::function<Selection(const GraphTask& task, const std::vector<std::int64_t>& per_class,
                          const CondenseSettings& s)>
      select;
};

Registry<CondensationMethod>& methods();

// Rows `rows` of a labelled set.
search::LabelledBlocks pick_rows(const search::LabelledBlocks& b, const std::vector<std::int64_t>& rows);

}  // namespace hcdc::condense
