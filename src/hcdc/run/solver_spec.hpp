#pragma once
// The hypergradient solver keys of a job file, read in one place for every section that has them:
// [solver] (hpo, hypergrad; the kind under `kind`) and [hcdc] (the kind under `solver`). The
// defaults are the section's own (hypergrad::SolverOptions for [solver],
// condense::kHcdcSolverDefaults for [hcdc]): only what the section starts from differs.
#include <string>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/hypergrad/solvers.hpp"

namespace hcdc::run {

// Reads kind (under `kind_key`), neumann_terms, neumann_alpha, cg_tolerance, cg_max_iterations,
// exact_max_dim and divergence_patience into `o` (its values are the defaults), then checks them.
void parse_solver_keys(config::StrictTable& t, const std::string& kind_key, hypergrad::SolverOptions& o);

}  // namespace hcdc::run
