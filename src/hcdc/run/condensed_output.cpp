#include "hcdc/run/condensed_output.hpp"

#include "hcdc/core/digest.hpp"
#include "hcdc/condense/condensed_tensors.hpp"
#include "hcdc/data/condensed_set.hpp"

namespace hcdc::run {

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

}  // namespace hcdc::run
