// Random, k-center and herding as condensation methods: distinct original training nodes per
// class; k-center and herding on the embeddings of a model trained on the whole data.
#include "hcdc/condense/coreset.hpp"
#include "hcdc/condense/method.hpp"
#include "hcdc/hypergrad/inner_training.hpp"
#include "hcdc/models/classification_problem.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::condense {
namespace {

std::vector<std::int64_t> labels_of(const torch::Tensor& y) {
  auto c = y.contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

// The model whose embeddings k-center and herding work on: for feature blocks an equal-mix
// decoupled filter; for images a cell of 3×3 convolutions on every edge (a plain ConvNet, the
// usual embedding network of image coresets).
search::Candidate embedding_candidate(const GraphTask& task) {
  search::Candidate c;
  if (is_image_task(task)) {
    constexpr int kNodes = 3;
    c.family = "image-cell";
    c.convs = {"conv3x3"};
    c.lambda.assign(kNodes * (kNodes - 1) / 2, 1.0);
    c.hidden = 16;
    c.in_channels = task.train.x.size(1);
    c.name = "embedding-convnet";
    return c;
  }
  c.lambda.assign(static_cast<std::size_t>(task.train.x.size(1)), 1.0 / static_cast<double>(task.train.x.size(1)));
  return c;
}

// The hidden layer of the embedding model trained on the whole training split.
torch::Tensor whole_data_embeddings(const GraphTask& task, std::uint64_t seed) {
  const search::Candidate c = embedding_candidate(task);
  auto model = search::make_model(c, task.train.x.size(-1), task.num_classes);
  const auto dt = task.train.x.scalar_type();
  auto lambda = torch::tensor(c.lambda, torch::kDouble).to(dt);
  models::ClassificationProblem p(model, {{task.train.x, nullptr}, {}, task.train.y},
                                  {{task.val.x, nullptr}, {}, task.val.y}, 5e-4);
  auto theta = hypergrad::train_theta(p, model->init_theta(seed, dt), lambda, {"adam", 0.01, 0, 200});
  torch::NoGradGuard ng;
  return model->embed(theta, lambda, task.train.x);
}

CondensationMethod coreset_method(CoresetKind kind, std::string help) {
  CondensationMethod m;
  m.help = std::move(help);
  m.coreset = true;
  m.images = true;
  m.select = [kind](const GraphTask& task, const std::vector<std::int64_t>& per_class, const CondenseSettings& s) {
    torch::Tensor emb = kind == CoresetKind::kRandom ? torch::Tensor() : whole_data_embeddings(task, s.seed);
    auto rows = select_coreset(kind, emb, labels_of(task.train.y), per_class, s.seed);
    return Selection{pick_rows(task.train, rows), torch::Tensor(), torch::tensor(rows, torch::kLong), {}};
  };
  return m;
}

}  // namespace

HCDC_REGISTER(methods(), "random", 10, coreset_method(CoresetKind::kRandom, "uniform random nodes per class"));
HCDC_REGISTER(methods(), "kcenter", 20, coreset_method(CoresetKind::kKCenter, "k-center greedy on whole-data embeddings"));
HCDC_REGISTER(methods(), "herding", 30, coreset_method(CoresetKind::kHerding, "herding on whole-data embeddings"));

}  // namespace hcdc::condense
