#include "hcdc/run/job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hcdc/core/error.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/io/inspect.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::run {

JobSpec parse_job_file(const std::string& path) {
  toml::table root = config::parse_toml_file(path);
  config::StrictTable top(&root, path, "");
  JobSpec j;
  j.file = path;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  j.text = ss.str();

  auto job = top.table("job");
  j.name = job.require<std::string>("name");
  std::int64_t seed = job.get<std::int64_t>("seed", 0);
  if (seed < 0) job.fail("seed", "must be >= 0");
  j.seed = static_cast<std::uint64_t>(seed);
  std::int64_t threads = job.get<std::int64_t>("threads", 0);
  if (threads < 0 || threads > 1024) job.fail("threads", "must be in [0, 1024] (0: automatic)");
  j.threads = static_cast<int>(threads);
  j.output_dir = job.get<std::string>("output_dir", "results/" + j.name);
  job.finish();

  j.dataset = parse_dataset_spec(top.table("dataset"), j.seed);
  top.finish();
  return j;
}

int run_job(const JobSpec& job) {
  int threads = configure_threads(job.threads);
  spdlog::info("job '{}' from {}: seed {}, {} threads, output in {}", job.name, job.file, job.seed, threads,
               job.output_dir);
  std::filesystem::create_directories(job.output_dir);
  data::Provenance prov{static_cast<std::int64_t>(job.seed), job.text, ""};
  std::string dataset = materialize_dataset(job.dataset, job.output_dir + "/dataset.h5", prov);
  auto report = io::validate_file(dataset);
  spdlog::info("{} is a valid {} {} file", dataset, report.schema_name, report.schema_version);
  fmt::print("{}", io::inspect_file(dataset));
  fmt::print("job '{}' done: dataset {}\n", job.name, dataset);
  return kExitOk;
}

}  // namespace hcdc::run
