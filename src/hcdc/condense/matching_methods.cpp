// GCond-X, GCond and DM as condensation methods (condense/matching.hpp), with their [matching] section.
#include "hcdc/condense/matching.hpp"
#include "hcdc/condense/method.hpp"

namespace hcdc::condense {
namespace {

// [matching]: the schedule and learning rates shared by the three methods.
std::any parse_matching(config::StrictTable& m) {
  MatchingOptions mo;
  mo.iterations = static_cast<int>(m.get<std::int64_t>("iterations", mo.iterations));
  mo.inner = static_cast<int>(m.get<std::int64_t>("inner", mo.inner));
  mo.feature_lr = m.get<double>("feature_lr", mo.feature_lr);
  mo.adjacency_lr = m.get<double>("adjacency_lr", mo.adjacency_lr);
  mo.adjacency_every = static_cast<int>(m.get<std::int64_t>("adjacency_every", mo.adjacency_every));
  mo.adjacency_hidden = m.get<std::int64_t>("adjacency_hidden", mo.adjacency_hidden);
  mo.model_lr = m.get<double>("model_lr", mo.model_lr);
  mo.embed_hidden = m.get<std::int64_t>("embed_hidden", mo.embed_hidden);
  if (mo.iterations < 1 || mo.inner < 1 || mo.adjacency_every < 1)
    m.fail("iterations", "iterations, inner and adjacency_every must be >= 1");
  return mo;
}

CondensationMethod matching_method(std::string help, bool distribution, bool learn_adjacency) {
  CondensationMethod m;
  m.help = std::move(help);
  m.section = "matching";
  m.parse_options = parse_matching;
  m.select = [=](const GraphTask& task, const std::vector<std::int64_t>& per_class, const CondenseSettings& s) {
    const auto o = section_options<MatchingOptions>(s, "matching");
    SyntheticSet syn = distribution ? distribution_matching(task.train, per_class, task.num_classes, o, s.seed)
                                    : gradient_matching(task.train, per_class, task.num_classes, learn_adjacency, o,
                                                        s.seed);
    return Selection{search::blocks_of(syn.blocks, syn.y), syn.adjacency, torch::Tensor()};
  };
  return m;
}

}  // namespace

HCDC_REGISTER(methods(), "gcond-x", 40, matching_method("gradient matching, identity adjacency (GCond-X)", false, false));
HCDC_REGISTER(methods(), "gcond", 50, matching_method("gradient matching with a learned adjacency (GCond)", false, true));
HCDC_REGISTER(methods(), "dm", 60, matching_method("distribution matching of random embeddings (DM)", true, false));

}  // namespace hcdc::condense
