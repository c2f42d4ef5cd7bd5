#include "hcdc/run/training_setup.hpp"

#include <spdlog/spdlog.h>

#include "hcdc/core/threads.hpp"
#include "hcdc/models/sparse_features.hpp"

namespace hcdc::run {

TrainingSetup make_training_setup(const JobSpec& job) {
  configure_threads(job.threads);
  TrainingSetup s;
  torch::Dtype dt = model_dtype(job.model);
  s.data = load_dataset_tensors(prepare_dataset(job), dt);
  s.model = build_model(job.model, s.data, job.file);
  if (s.data.graph && s.model.family->accepts_sparse_input()) {
    torch::Tensor sparse = models::sparse_if_mostly_zero(s.data.x);
    if (sparse.is_sparse()) {
      spdlog::info("features: {:.1f}% non-zero, used as a sparse matrix", 100 * models::density(s.data.x));
      s.data.x = sparse;
    }
  }
  models::ModelInput in = models::with_sparse_products({s.data.x, s.data.graph});
  auto split = [&](const torch::Tensor& idx) { return models::LabelledSplit{in, idx, s.data.y.index_select(0, idx)}; };
  s.problem = std::make_unique<models::ClassificationProblem>(s.model.family, split(s.data.train), split(s.data.val),
                                                              job.model.weight_decay);
  s.test = split(s.data.test);
  s.theta0 = s.model.family->init_theta(job.seed, dt);
  spdlog::info("model {}: |θ| = {}, |λ| = {}; data {} ({} train / {} val / {} test)", s.model.family->name(),
               s.model.family->num_theta(), s.model.family->num_lambda(), s.data.path, s.data.train.numel(),
               s.data.val.numel(), s.data.test.numel());
  return s;
}

}  // namespace hcdc::run
