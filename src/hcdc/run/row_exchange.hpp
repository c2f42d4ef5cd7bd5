#pragma once
#include <vector>

#include "hcdc/dist/communicator.hpp"
#include "hcdc/io/results_file.hpp"
#include "hcdc/run/candidate_evaluation.hpp"

namespace hcdc::run {

// Collective: every rank's result rows, concatenated in rank order, on every rank. Doubles
// travel as hexadecimal floating point, so the gathered rows are bit-exact.
std::vector<io::ResultRow> gather_rows(dist::Communicator& comm, const std::vector<io::ResultRow>& mine);
// The same for the summary rows of condensation runs.
std::vector<SummaryRow> gather_summaries(dist::Communicator& comm, const std::vector<SummaryRow>& mine);

}  // namespace hcdc::run
