#include "hcdc/run/condensed_output.hpp"

#include "hcdc/core/digest.hpp"
#include "hcdc/data/condensed_set.hpp"

namespace hcdc::run {
namespace {
std::vector<float> floats(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kFloat);
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}
std::vector<std::int64_t> longs(const torch::Tensor& t) {
  auto c = t.contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}
}  // namespace

void write_condensed_pair(const std::string& path, const condense::CondensedPair& pair, const JobSpec& job,
                          const std::string& dataset, const std::string& method, std::int64_t c_train,
                          std::int64_t seed, std::int64_t classes, std::map<std::string, double> run_metrics) {
  data::CondensedSet out;
  out.sample_shape = {pair.s_train.x.size(1), pair.s_train.x.size(2)};
  out.x_train = floats(pair.s_train.x);
  out.y_train = longs(pair.s_train.y);
  out.x_val = floats(pair.s_val.x);
  out.y_val = longs(pair.s_val.y);
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
