// GCond-X, GCond and DM as condensation methods (condense/matching.hpp), with their [matching] section.
#include "hcdc/condense/image_matching.hpp"
#include "hcdc/condense/matching.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/core/error.hpp"

namespace hcdc::condense {
namespace {

// [matching]: the schedule and learning rates shared by the three methods.
std::any parse_matching(config::StrictTable& m) {
  MatchingOptions mo;
  mo.iterations = static_cast<int>(m.get<std::int64_t>("iterations", mo.iterations));
  mo.inner = static_cast<int>(m.get<std::int64_t>("inner", mo.inner));
  mo.model_steps = static_cast<int>(m.get<std::int64_t>("model_steps", mo.model_steps));
  mo.adjacency_steps = static_cast<int>(m.get<std::int64_t>("adjacency_steps", mo.adjacency_steps));
  mo.class_weights = m.get<bool>("class_weights", mo.class_weights);
  const auto x_graph = m.get<std::string>("gcond_x_graph", "untrained-generator");
  if (x_graph == "identity") mo.gcond_x_graph = MatchingOptions::GcondXGraph::kIdentity;
  else if (x_graph != "untrained-generator") m.fail("gcond_x_graph", "must be \"untrained-generator\" or \"identity\"");
  mo.feature_lr = m.get<double>("feature_lr", mo.feature_lr);
  mo.adjacency_lr = m.get<double>("adjacency_lr", mo.adjacency_lr);
  mo.adjacency_every = static_cast<int>(m.get<std::int64_t>("adjacency_every", mo.adjacency_every));
  mo.adjacency_hidden = m.get<std::int64_t>("adjacency_hidden", mo.adjacency_hidden);
  mo.model_lr = m.get<double>("model_lr", mo.model_lr);
  mo.embed_hidden = m.get<std::int64_t>("embed_hidden", mo.embed_hidden);
  mo.image_width = m.get<std::int64_t>("image_width", mo.image_width);
  mo.image_depth = static_cast<int>(m.get<std::int64_t>("image_depth", mo.image_depth));
  if (mo.image_depth < 1 || mo.image_depth > 6) m.fail("image_depth", "must be in [1, 6] (conv blocks, each pooling by 2)");
  const auto norm = m.get<std::string>("image_norm", mo.image_norm ? "instance" : "none");
  if (norm != "none" && norm != "instance") m.fail("image_norm", "must be one of none, instance");
  mo.image_norm = norm == "instance";
  const auto aug = m.get<std::string>("augmentation", "dsa");
  if (aug != "dsa" && aug != "all") m.fail("augmentation", "must be one of dsa, all");
  mo.augmentation = aug == "all" ? MatchingOptions::Augmentation::kAllAtOnce : MatchingOptions::Augmentation::kDsa;
  mo.real_batch = m.get<std::int64_t>("real_batch", mo.real_batch);
  mo.image_lr = m.get<double>("image_lr", mo.image_lr);
  mo.dm_image_lr = m.get<double>("dm_image_lr", mo.dm_image_lr);
  if (mo.image_width < 1 || mo.real_batch < 1) m.fail("image_width", "image_width and real_batch must be >= 1");
  if (!(mo.image_lr > 0) || !(mo.dm_image_lr > 0)) m.fail("image_lr", "image_lr and dm_image_lr must be > 0");
  if (mo.iterations < 1 || mo.inner < 1 || mo.adjacency_every < 1)
    m.fail("iterations", "iterations, inner and adjacency_every must be >= 1");
  if (mo.model_steps < 0) m.fail("model_steps", "must be >= 0");
  if (mo.adjacency_steps < 1 || mo.adjacency_steps > mo.adjacency_every)
    m.fail("adjacency_steps", "must be in [1, adjacency_every]");
  return mo;
}

CondensationMethod matching_method(std::string help, bool distribution, bool learn_adjacency) {
  CondensationMethod m;
  m.help = std::move(help);
  m.section = "matching";
  m.parse_options = parse_matching;
  m.images = distribution;  // DM matches embeddings of images as of feature blocks
  m.synthesises_graphs = !distribution;
  m.select = [=](const GraphTask& task, const std::vector<std::int64_t>& per_class, const CondenseSettings& s) {
    const auto o = section_options<MatchingOptions>(s, "matching");
    if (is_image_task(task)) {
      SyntheticSet syn = image_matching(task.train, per_class, task.num_classes, ImageMatching::kDm, o, s.seed);
      return Selection{search::blocks_of(syn.x, syn.y), torch::Tensor(), torch::Tensor(), syn.loss_history};
    }
    if (s.message_passing) {
      // The candidates pass messages over the synthetic graph itself: its node features X' and
      // adjacency A' (GCond-X: no edges, so a GCN sees Â = I).
      if (distribution)
        throw SettingError("methods", "dm learns each node's feature blocks freely, not node features with a graph");
      SyntheticSet syn = gradient_matching(task.train, per_class, task.num_classes, learn_adjacency, o, s.seed);
      const auto m = syn.x.size(0);
      torch::Tensor adj = learn_adjacency ? syn.adjacency : torch::zeros({m, m}, syn.x.options());
      return Selection{search::blocks_of(syn.x, syn.y), adj, torch::Tensor(), syn.loss_history};
    }
    SyntheticSet syn = distribution ? distribution_matching(task.train, per_class, task.num_classes, o, s.seed)
                                    : gradient_matching(task.train, per_class, task.num_classes, learn_adjacency, o,
                                                        s.seed);
    return Selection{search::blocks_of(syn.blocks, syn.y), syn.adjacency, torch::Tensor(), syn.loss_history};
  };
  return m;
}

// DC and DSA: gradient matching of images (DSA with the siamese augmentation).
CondensationMethod image_gradient_matching(std::string help, ImageMatching kind) {
  CondensationMethod m;
  m.help = std::move(help);
  m.section = "matching";
  m.parse_options = parse_matching;
  m.graphs = false;
  m.images = true;
  m.select = [=](const GraphTask& task, const std::vector<std::int64_t>& per_class, const CondenseSettings& s) {
    const auto o = section_options<MatchingOptions>(s, "matching");
    SyntheticSet syn = image_matching(task.train, per_class, task.num_classes, kind, o, s.seed);
    return Selection{search::blocks_of(syn.x, syn.y), torch::Tensor(), torch::Tensor(), syn.loss_history};
  };
  return m;
}

}  // namespace

HCDC_REGISTER(methods(), "dc", 62, image_gradient_matching("images: gradient matching on a ConvNet (DC)", ImageMatching::kDc));
HCDC_REGISTER(methods(), "dsa", 64,
              image_gradient_matching("images: gradient matching with differentiable siamese augmentation (DSA)",
                                      ImageMatching::kDsa));
HCDC_REGISTER(methods(), "gcond-x", 40, matching_method("gradient matching; the condensed graph has no edges (GCond-X)", false, false));
HCDC_REGISTER(methods(), "gcond", 50, matching_method("gradient matching with a learned adjacency (GCond)", false, true));
HCDC_REGISTER(methods(), "dm", 60, matching_method("distribution matching of random embeddings (DM)", true, false));

}  // namespace hcdc::condense
