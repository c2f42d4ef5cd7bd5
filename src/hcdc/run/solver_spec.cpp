#include "hcdc/run/solver_spec.hpp"

#include <cstdint>

namespace hcdc::run {

void parse_solver_keys(config::StrictTable& t, const std::string& kind_key, hypergrad::SolverOptions& o) {
  o.kind = hypergrad::parse_solver_kind(t.get<std::string>(kind_key, hypergrad::solver_name(o.kind)), t.file(),
                                        t.qualified(kind_key));
  o.neumann_terms = static_cast<int>(t.get<std::int64_t>("neumann_terms", o.neumann_terms));
  o.neumann_alpha = t.get<double>("neumann_alpha", o.neumann_alpha);
  o.cg_tolerance = t.get<double>("cg_tolerance", o.cg_tolerance);
  o.cg_max_iterations = static_cast<int>(t.get<std::int64_t>("cg_max_iterations", o.cg_max_iterations));
  o.exact_max_dim = t.get<std::int64_t>("exact_max_dim", o.exact_max_dim);
  o.divergence_patience = static_cast<int>(t.get<std::int64_t>("divergence_patience", o.divergence_patience));
  hypergrad::check_solver_options(o, t.file(), t.qualified(""));
}

}  // namespace hcdc::run
