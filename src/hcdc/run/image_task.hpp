#pragma once
// The condensation experiment's view of an image file (schema hcdc.image_set): a seeded,
// class-balanced subset of its train/val/test splits as N×C×H×W float samples, average-pooled
// and standardised per channel (ExperimentSpec::images, job section [images]).
#include <string>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/run/experiment_spec.hpp"

namespace hcdc::run {

// InputError naming the file and field when the images do not have `channels` channels
// (search.image_channels), a split is missing, or a class is empty after subsetting.
// GraphTask::num_nodes is the training subset's size: budgets are fractions of it.
condense::GraphTask load_image_task(const std::string& path, const ImageTaskSpec& spec, std::int64_t channels);

// Whether `path` holds an image set (schema hcdc.image_set) rather than a graph.
bool is_image_file(const std::string& path);

}  // namespace hcdc::run
