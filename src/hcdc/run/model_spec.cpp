#include "hcdc/run/model_spec.hpp"

#include <fmt/format.h>

#include <cmath>

#include "hcdc/config/in_section.hpp"
#include "hcdc/config/registry_choice.hpp"
#include "hcdc/core/error.hpp"

namespace hcdc::run {

Registry<ModelFamilyEntry>& model_families() {
  static Registry<ModelFamilyEntry> r("model family");
  return r;
}

ModelSpec parse_model_spec(config::StrictTable t) {
  ModelSpec m;
  m.family = t.get<std::string>("family", m.family);
  const ModelFamilyEntry& family = config::choose(t, "family", m.family, model_families());
  if (!t.recording()) m.build = family.parse(t);  // the reference lists each family's keys itself
  m.lambda = t.get<std::vector<double>>("lambda", m.lambda);
  for (std::size_t i = 0; i < m.lambda.size(); ++i)
    if (!std::isfinite(m.lambda[i])) t.fail(fmt::format("lambda[{}]", i), "must be finite");
  m.weight_decay = t.get<double>("weight_decay", m.weight_decay);
  if (!(m.weight_decay >= 0) || !std::isfinite(m.weight_decay)) t.fail("weight_decay", "must be finite and >= 0");
  m.dtype = t.get<std::string>("dtype", m.dtype);
  if (m.dtype != "float32" && m.dtype != "float64") t.fail("dtype", "must be float32 or float64");
  t.finish();
  return m;
}

torch::Dtype model_dtype(const ModelSpec& m) { return m.dtype == "float64" ? torch::kDouble : torch::kFloat; }

BuiltModel build_model(const ModelSpec& m, const DatasetTensors& d, const std::string& file) {
  const torch::Dtype dt = model_dtype(m);
  BuiltModel b = config::in_section(file, "model", [&] { return m.build(d, dt, file); });
  if (!b.lambda.defined()) b.lambda = b.family->default_lambda(dt);
  if (!m.lambda.empty()) {
    if (static_cast<std::int64_t>(m.lambda.size()) != b.family->num_lambda())
      throw InputError(file, "model.lambda",
                       fmt::format("has {} values, the model has {} hyperparameters", m.lambda.size(),
                                   b.family->num_lambda()));
    b.lambda = torch::tensor(m.lambda, torch::kDouble).to(dt);
  }
  return b;
}

}  // namespace hcdc::run
