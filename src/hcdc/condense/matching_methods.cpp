// GCond-X, GCond and DM as condensation methods (condense/matching.hpp), options from [matching].
#include "hcdc/condense/matching.hpp"
#include "hcdc/condense/method.hpp"

namespace hcdc::condense {
namespace {

CondensationMethod matching_method(std::string help, bool distribution, bool learn_adjacency) {
  CondensationMethod m;
  m.help = std::move(help);
  m.select = [=](const GraphTask& task, const std::vector<std::int64_t>& per_class, const CondenseSettings& s) {
    SyntheticSet syn = distribution ? distribution_matching(task.train, per_class, task.num_classes, s.matching, s.seed)
                                    : gradient_matching(task.train, per_class, task.num_classes, learn_adjacency,
                                                        s.matching, s.seed);
    return Selection{{syn.blocks, syn.y}, syn.adjacency};
  };
  return m;
}

}  // namespace

HCDC_REGISTER(methods(), "gcond-x", 40, matching_method("gradient matching, identity adjacency (GCond-X)", false, false));
HCDC_REGISTER(methods(), "gcond", 50, matching_method("gradient matching with a learned adjacency (GCond)", false, true));
HCDC_REGISTER(methods(), "dm", 60, matching_method("distribution matching of random embeddings (DM)", true, false));

}  // namespace hcdc::condense
