#include "hcdc/run/condensed_output.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hcdc/core/digest.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/condense/condensed_tensors.hpp"
#include "hcdc/data/condensed_set.hpp"

namespace hcdc::run {

std::string condensed_path(const JobSpec& job, const std::string& method, double budget, std::int64_t seed) {
  return fmt::format("{}/condensed/{}-{:.1f}pct-s{}.h5", job.output_dir, method, 100 * budget, seed);
}

void write_condensed_pair(const std::string& path, const condense::CondensedPair& pair, const JobSpec& job,
                          const std::string& dataset, const std::string& method, std::int64_t c_train,
                          std::int64_t seed, std::int64_t classes, std::map<std::string, double> run_metrics) {
  data::CondensedSet out = condense::to_condensed_set(pair);
  out.num_classes = classes;
  out.method = method;
  out.budget = c_train;
  out.seed = seed;
  out.config = job.text;
  out.source_file = dataset;
  out.source_digest = file_digest(dataset);
  out.run_metrics = std::move(run_metrics);
  data::write_condensed_set(path, out);
}

void check_proxy_fits(const data::CondensedSet& cs, const std::string& path, const std::string& dataset,
                      const condense::GraphTask& task, const search::CandidateFamily& family) {
  const std::string digest = file_digest(dataset);
  if (cs.source_digest != digest)
    throw InputError(path, "source_digest",
                     fmt::format("condensed from another dataset ({}) than the job's {} ({})", cs.source_digest,
                                 dataset, digest));
  if (family.message_passing) {
    // Node features and the graph over S_train ∪ S_val the candidates pass messages over.
    const std::int64_t f = task.graph_train.x.size(1);
    if (cs.sample_shape != std::vector<std::int64_t>{f})
      throw InputError(path, "train/x",
                       fmt::format("samples of shape [{}] but the job's candidates pass messages over node features "
                                   "[{}] (a file condensed for a decoupled family holds feature blocks)",
                                   fmt::join(cs.sample_shape, ", "), f));
    if (cs.adjacency.empty())
      throw InputError(path, "adjacency",
                       "the job's candidates pass messages over the condensed set's graph and this file has none "
                       "(condense it with `hcdc condense` on this job: coresets, gcond or gcond-x)");
  }
  if (cs.num_classes != task.num_classes)
    throw InputError(path, "num_classes", fmt::format("{} classes but the dataset has {}", cs.num_classes, task.num_classes));
  if (family.message_passing) return;
  const auto sizes = task.train.x.sizes();
  const std::vector<std::int64_t> want =
      family.images ? std::vector<std::int64_t>(sizes.begin() + 1, sizes.end())
                    : family.sample_shape(task.train.x.size(1), task.train.x.size(2));
  if (cs.sample_shape != want)
    throw InputError(path, "train/x",
                     fmt::format("samples of shape [{}] but the job's candidates need [{}] ({})",
                                 fmt::join(cs.sample_shape, ", "), fmt::join(want, ", "), family.carries));
}

}  // namespace hcdc::run
