#include "hcdc/run/experiment_task.hpp"

#include <fmt/format.h>

#include "hcdc/condense/method.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/run/graph_task.hpp"
#include "hcdc/run/image_task.hpp"
#include "hcdc/search/candidate_family.hpp"

namespace hcdc::run {

condense::GraphTask load_experiment_task(dist::Communicator& comm, const JobSpec& job, const std::string& dataset) {
  const ExperimentSpec& e = job.experiment;
  const bool images = search::is_image_family(e.space.family);
  if (images != is_image_file(dataset))
    throw InputError(dataset, "schema_name",
                     images ? fmt::format("search.family = \"{}\" needs an image set (schema hcdc.image_set), e.g. "
                                          "[dataset] kind = \"fashion-mnist\"",
                                          e.space.family)
                            : fmt::format("is an image set, but search.family = \"{}\" trains on graphs; use "
                                          "[search] kind = \"cell\", family = \"image-cell\" for images",
                                          e.space.family));
  for (const auto& m : e.methods) {
    const auto& method = condense::methods().at(m);
    if (images ? !method.images : !method.graphs)
      throw InputError(job.file, "condense.methods",
                       fmt::format("'{}' condenses {} only; this job's data are {} ({})", m,
                                   images ? "graphs" : "images", images ? "images" : "a graph", dataset));
  }
  if (images && !condense::methods().at(e.hcdc_train_method).images)
    throw InputError(job.file, "condense.hcdc_train_method",
                     fmt::format("'{}' condenses graphs only; this job's data are images", e.hcdc_train_method));
  if (images) return load_image_task(dataset, e.images, e.space.image_channels);
  return load_graph_task(comm, e.dist.share_on_node, dataset, e.space.basis, e.space.order, e.evaluate.normalize_features,
                         search::is_message_passing(e.space.family));
}

}  // namespace hcdc::run
