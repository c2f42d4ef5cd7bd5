#pragma once
// Search results (schema hcdc.results): one row per (candidate, proxy, seed) with its score and
// timing; optionally the candidates' hyperparameter vectors and names.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hcdc::io {

class H5File;

struct ResultRow {
  std::int64_t candidate = 0;
  std::string proxy;       // "whole", "hcdc", "random", ...
  std::int64_t seed = 0;
  double score = 0;        // validation accuracy on the proxy's validation data
  double val_loss = 0;
  double test_score = 0;     // accuracy on the original test split
  double seconds = 0;      // wall time of training + scoring this row
};

struct Results {
  std::vector<ResultRow> rows;
  std::vector<std::vector<double>> candidate_lambda;  // optional, P × L
  std::vector<std::string> candidate_name;            // optional, P
  std::int64_t seed = 0;
  std::string config;
};

// `extra` may add attributes or datasets (e.g. a summary) before the file is validated.
void write_results(const std::string& path, const Results& r, const std::function<void(H5File&)>& extra = {});
Results read_results(const std::string& path);

}  // namespace hcdc::io
