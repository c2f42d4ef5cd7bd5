#pragma once
// What the hpo and hypergrad commands share: the job's dataset as tensors, its model family and
// the bilevel problem (train split → L_train, validation split → L_val).
#include <memory>

#include "hcdc/models/classification_problem.hpp"
#include "hcdc/run/dataset_tensors.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/run/model_spec.hpp"

namespace hcdc::run {

struct TrainingSetup {
  DatasetTensors data;
  BuiltModel model;
  std::unique_ptr<models::ClassificationProblem> problem;
  models::LabelledSplit test;
  torch::Tensor theta0;
};

TrainingSetup make_training_setup(const JobSpec& job);

}  // namespace hcdc::run
