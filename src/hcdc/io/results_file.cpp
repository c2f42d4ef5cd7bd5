#include "hcdc/io/results_file.hpp"

#include "hcdc/core/error.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"

namespace hcdc::io {

namespace {
template <class T, class F>
std::vector<T> column(const std::vector<ResultRow>& rows, F get) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(get(r));
  return out;
}
}  // namespace

void write_results(const std::string& path, const Results& r, const std::function<void(H5File&)>& extra) {
  write_validated(path, kResultsSchema, [&](H5File& f) {
    f.set_attr("seed", r.seed);
    f.set_attr("config", r.config);
    f.write("rows/candidate", column<std::int64_t>(r.rows, [](auto& x) { return x.candidate; }));
    f.write_strings("rows/proxy", column<std::string>(r.rows, [](auto& x) { return x.proxy; }));
    f.write("rows/seed", column<std::int64_t>(r.rows, [](auto& x) { return x.seed; }));
    f.write("rows/score", column<double>(r.rows, [](auto& x) { return x.score; }));
    f.write("rows/val_loss", column<double>(r.rows, [](auto& x) { return x.val_loss; }));
    f.write("rows/test_acc", column<double>(r.rows, [](auto& x) { return x.test_score; }));
    f.write("rows/seconds", column<double>(r.rows, [](auto& x) { return x.seconds; }));
    if (!r.candidate_lambda.empty()) {
      auto p = static_cast<std::int64_t>(r.candidate_lambda.size());
      auto l = static_cast<std::int64_t>(r.candidate_lambda[0].size());
      std::vector<double> flat;
      for (const auto& v : r.candidate_lambda) {
        if (static_cast<std::int64_t>(v.size()) != l) throw InputError(path, "candidates/lambda", "ragged rows");
        flat.insert(flat.end(), v.begin(), v.end());
      }
      f.write("candidates/lambda", {p, l}, flat.data());
    }
    if (!r.candidate_name.empty()) f.write_strings("candidates/name", r.candidate_name);
    if (extra) extra(f);
  });
}

Results read_results(const std::string& path) {
  H5File f = open_validated(path, kResultsSchema);
  Results r;
  r.seed = f.attr_int("seed");
  r.config = f.attr_string("config");
  auto cand = f.read<std::int64_t>("rows/candidate");
  auto proxy = f.read_strings("rows/proxy");
  auto seed = f.read<std::int64_t>("rows/seed");
  auto score = f.read<double>("rows/score");
  auto seconds = f.read<double>("rows/seconds");
  std::vector<double> loss(cand.size()), test(cand.size());
  if (f.exists("rows/val_loss")) loss = f.read<double>("rows/val_loss");
  if (f.exists("rows/test_acc")) test = f.read<double>("rows/test_acc");
  for (std::size_t i = 0; i < cand.size(); ++i)
    r.rows.push_back({cand[i], proxy[i], seed[i], score[i], loss[i], test[i], seconds[i]});
  if (f.exists("candidates/lambda")) {
    auto info = f.info("candidates/lambda");
    auto flat = f.read<double>("candidates/lambda");
    for (std::int64_t i = 0; i < info.dims[0]; ++i)
      r.candidate_lambda.emplace_back(flat.begin() + i * info.dims[1], flat.begin() + (i + 1) * info.dims[1]);
  }
  if (f.exists("candidates/name")) r.candidate_name = f.read_strings("candidates/name");
  return r;
}

}  // namespace hcdc::io
