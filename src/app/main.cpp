// The `hcdc` executable: command-line parsing only. Every command is a library call.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <exception>
#include <functional>
#include <utility>

#include "hcdc/condense/condensers.hpp"
#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/core/threads.hpp"
#include "hcdc/core/version.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/dist/communicator.hpp"
#include "hcdc/data/fashion_mnist.hpp"
#include "hcdc/data/gaussian_images.hpp"
#include "hcdc/data/npz_graph.hpp"
#include "hcdc/data/ogb_raw.hpp"
#include "hcdc/io/inspect.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/run/condense_command.hpp"
#include "hcdc/run/dependency_versions.hpp"
#include "hcdc/run/evaluate_command.hpp"
#include "hcdc/run/nas_command.hpp"
#include "hcdc/run/hpo_command.hpp"
#include "hcdc/run/job.hpp"
#include "hcdc/run/reference.hpp"

namespace {

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hcdc;
  CLI::App app{"hcdc: hyperparameter-calibrated dataset condensation"};
  int threads = 0;
  std::string log_level = "info";
  bool show_version = false;
  app.add_flag("--version", show_version, "Print versions of hcdc and its libraries and exit");
  app.add_option("--threads", threads, "Intra-op threads (default: SLURM_CPUS_PER_TASK, else all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.require_subcommand(0, 1);
  const std::string cmdline = command_line(argc, argv);

  // import
  auto* imp = app.add_subcommand("import", "Convert a public dataset to an hcdc HDF5 file");
  imp->require_subcommand(1);
  data::FashionMnistOptions fm;
  std::string fm_out;
  auto* imp_fm = imp->add_subcommand("fashion-mnist", "Fashion-MNIST IDX .gz files -> hcdc.image_set");
  imp_fm->add_option("--src", fm.src_dir, "Folder with the four IDX .gz files")->capture_default_str();
  imp_fm->add_option("--out", fm_out, "Output HDF5 file")->required();
  imp_fm->add_option("--val-size", fm.val_size, "Validation images carved from the training set")->capture_default_str();
  imp_fm->add_option("--seed", fm.seed, "Seed of the validation split")->capture_default_str();
  imp_fm->callback([&] {
    data::write_image_set(fm_out, data::load_fashion_mnist(fm),
                          {static_cast<std::int64_t>(fm.seed), cmdline, fm.src_dir});
    spdlog::info("wrote {}", fm_out);
  });

  std::string npz_src, npz_out;
  std::int64_t npz_split = 0;
  auto* imp_npz = imp->add_subcommand(
      "npz", "Graph in heterophilous-graphs' .npz layout (tolokers, minesweeper, ...) -> hcdc.graph");
  imp_npz->add_option("--src", npz_src, ".npz with node_features, node_labels, edges, train/val/test_masks")->required();
  imp_npz->add_option("--out", npz_out, "Output HDF5 file")->required();
  imp_npz->add_option("--split", npz_split, "Which of the file's splits (row of the masks)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  imp_npz->callback([&] {
    data::write_graph(npz_out, data::load_npz_graph(npz_src, npz_split),
                      {std::nullopt, cmdline, data::npz_source(npz_src, npz_split)});
    spdlog::info("wrote {}", npz_out);
  });
  std::string ogb_src, ogb_out, ogb_scheme;
  auto* imp_ogb = imp->add_subcommand("ogb", "OGB node-property graph in its raw CSV layout (ogbn-arxiv, ...) -> hcdc.graph");
  imp_ogb->add_option("--src", ogb_src, "Dataset folder holding raw/ and split/")->required();
  imp_ogb->add_option("--out", ogb_out, "Output HDF5 file")->required();
  imp_ogb->add_option("--split-scheme", ogb_scheme, "Folder under split/ (default: the only one)");
  imp_ogb->callback([&] {
    data::write_graph(ogb_out, data::load_ogb_raw(ogb_src, ogb_scheme), {std::nullopt, cmdline, ogb_src});
    spdlog::info("wrote {}", ogb_out);
  });

  // generate
  auto* gen = app.add_subcommand("generate", "Write a seeded synthetic dataset");
  gen->require_subcommand(1);
  data::CsbmOptions cs;
  std::string cs_out, cs_preset;
  auto* gen_cs = gen->add_subcommand("csbm", "Contextual stochastic block model graph -> hcdc.graph");
  gen_cs->add_option("--out", cs_out, "Output HDF5 file")->required();
  gen_cs->add_option("--preset", cs_preset,
                     fmt::format("Shape of a real graph ({}); options given beside it override its values",
                                 fmt::join(data::csbm_preset_names(), ", ")))
      ->check(CLI::IsMember(data::csbm_preset_names()));
  // Each sizing option with how it lands in CsbmOptions, so a preset can be applied first and
  // the options the user gave then override it.
  std::vector<std::pair<CLI::Option*, std::function<void(data::CsbmOptions&)>>> cs_given;
  auto cs_opt = [&](const char* flag, auto data::CsbmOptions::*field, const char* help) {
    CLI::Option* opt = gen_cs->add_option(flag, cs.*field, help)->capture_default_str();
    cs_given.emplace_back(opt, [field, &cs](data::CsbmOptions& o) { o.*field = cs.*field; });
  };
  cs_opt("--nodes", &data::CsbmOptions::num_nodes, "Number of nodes");
  cs_opt("--classes", &data::CsbmOptions::num_classes, "Number of classes");
  cs_opt("--features", &data::CsbmOptions::num_features, "Feature dimension");
  cs_opt("--avg-degree", &data::CsbmOptions::avg_degree, "Mean degree");
  cs_opt("--homophily", &data::CsbmOptions::homophily, "Fraction of intra-class edges");
  cs_opt("--signal", &data::CsbmOptions::feature_signal, "Norm of the class means");
  cs_opt("--degree-exponent", &data::CsbmOptions::degree_exponent,
         "Power-law degree exponent γ > 2 (degree-corrected), 0 = off");
  cs_opt("--train-per-class", &data::CsbmOptions::train_per_class, "Training nodes per class");
  cs_opt("--train", &data::CsbmOptions::num_train, "Training nodes drawn regardless of class (0: --train-per-class)");
  cs_opt("--val", &data::CsbmOptions::num_val, "Validation nodes");
  cs_opt("--test", &data::CsbmOptions::num_test, "Test nodes");
  gen_cs->add_option("--seed", cs.seed, "Seed")->capture_default_str();
  gen_cs->callback([&] {
    data::CsbmOptions o = cs;
    if (!cs_preset.empty()) {
      o = data::csbm_preset(cs_preset, data::CsbmOptions{});
      o.seed = cs.seed;
      for (auto& [opt, apply] : cs_given)
        if (opt->count() > 0) apply(o);
    }
    data::write_graph(cs_out, data::generate_csbm(o), {static_cast<std::int64_t>(o.seed), cmdline, "generated: csbm"});
    spdlog::info("wrote {}", cs_out);
  });
  data::GaussianImagesOptions gi;
  std::string gi_out;
  auto* gen_gi = gen->add_subcommand("images", "Gaussian-mixture image set -> hcdc.image_set");
  gen_gi->add_option("--out", gi_out, "Output HDF5 file")->required();
  gen_gi->add_option("--images", gi.num_images, "Number of images")->capture_default_str();
  gen_gi->add_option("--classes", gi.num_classes, "Number of classes")->capture_default_str();
  gen_gi->add_option("--channels", gi.channels, "Channels")->capture_default_str();
  gen_gi->add_option("--height", gi.height, "Height")->capture_default_str();
  gen_gi->add_option("--width", gi.width, "Width")->capture_default_str();
  gen_gi->add_option("--noise", gi.noise, "Pixel noise standard deviation")->capture_default_str();
  gen_gi->add_option("--val", gi.num_val, "Validation images")->capture_default_str();
  gen_gi->add_option("--test", gi.num_test, "Test images")->capture_default_str();
  gen_gi->add_option("--seed", gi.seed, "Seed")->capture_default_str();
  gen_gi->callback([&] {
    data::write_image_set(gi_out, data::generate_gaussian_images(gi),
                          {static_cast<std::int64_t>(gi.seed), cmdline, "generated: gaussian-images"});
    spdlog::info("wrote {}", gi_out);
  });

  // inspect / validate
  std::string inspect_path, validate_path;
  auto* ins = app.add_subcommand("inspect", "Summarise an hcdc HDF5 file");
  ins->add_option("FILE", inspect_path, "HDF5 file")->required();
  ins->callback([&] { fmt::print("{}", io::inspect_file(inspect_path)); });
  auto* val = app.add_subcommand("validate", "Check an hcdc HDF5 file against its schema (exit 0 when valid)");
  val->add_option("FILE", validate_path, "HDF5 file")->required();
  val->callback([&] {
    auto r = io::validate_file(validate_path);
    fmt::print("{}: valid {} {} ({})\n", validate_path, r.schema_name, r.schema_version,
               fmt::join(r.checked, "; "));
  });

  // Every command that reads a job file takes --set section.key=VALUE overrides.
  std::vector<std::string> overrides;
  auto add_set = [&](CLI::App* c) {
    c->add_option("--set", overrides, "Override a job-file key: section.key=VALUE (TOML value; repeat --set for more)")
        ->allow_extra_args(false);  // one value per --set: a job file after it stays positional
  };

  // run
  std::string job_path;
  int job_rc = kExitOk;
  auto* runc = app.add_subcommand("run", "Run a job file (TOML); see jobs/README.md");
  runc->add_option("JOB", job_path, "Job file")->required();
  bool dataset_only = false;
  runc->add_flag("--dataset-only", dataset_only,
                 "Only materialise (or check) the job's dataset, then stop (the import stage of a pipeline)");
  bool run_resume = false;
  runc->add_flag("--resume", run_resume,
                 "Continue an interrupted experiment: keep its finished runs and HCDC checkpoints (a plain run does "
                 "too); exit 2 when the output folder holds nothing of this experiment, or finished runs of a "
                 "changed job");
  add_set(runc);
  runc->callback([&] { job_rc = run::run_job(run::parse_job_file(job_path, overrides), dataset_only, run_resume); });

  // hpo / hypergrad
  std::string hpo_job, hg_job;
  auto* hpo = app.add_subcommand("hpo", "Continuous hyperparameter optimisation by hypergradients on a dataset");
  hpo->add_option("JOB", hpo_job, "Job file ([dataset], [model], [train], [solver], [hpo])")->required();
  add_set(hpo);
  hpo->callback([&] { job_rc = run::run_hpo(run::parse_job_file(hpo_job, overrides)); });
  auto* hg = app.add_subcommand("hypergrad", "Train θ, then compute the hypergradient with each solver");
  hg->add_option("JOB", hg_job, "Job file ([dataset], [model], [train], [solver], [hypergrad])")->required();
  add_set(hg);
  hg->callback([&] { job_rc = run::run_hypergrad(run::parse_job_file(hg_job, overrides)); });

  // condense
  std::string cond_job;
  run::CondenseRequest creq;
  double cond_budget = 0;
  std::int64_t cond_seed = -1;
  auto* cond = app.add_subcommand("condense", "Condense a dataset with one method (HCDC runs under mpirun/srun too)");
  cond->add_option("JOB", cond_job, "Job file ([dataset], [search], [condense], [hcdc], [dist])")->required();
  cond->add_option("--method", creq.method, fmt::format("{}", fmt::join(condense::method_names(), ", ")))
      ->check(CLI::IsMember(condense::method_names()))
      ->capture_default_str();
  cond->add_option("--budget", cond_budget, "c_train / n (default: the job's first budget)");
  cond->add_option("--seed", cond_seed, "Condensation seed (default: the job's first seed)");
  cond->add_flag("--resume", creq.resume, "Continue from the newest valid checkpoint in [dist].checkpoint_dir");
  add_set(cond);
  cond->callback([&] {
    if (cond_budget > 0) creq.budget = cond_budget;
    if (cond_seed >= 0) creq.seed = cond_seed;
    job_rc = run::run_condense(run::parse_job_file(cond_job, overrides), creq);
  });

  // evaluate
  std::string eval_job;
  run::EvaluateRequest ereq;
  auto* ev = app.add_subcommand("evaluate",
                                "Score every candidate on the original data (ground truth) or on a condensed set; "
                                "splits candidates across mpirun/srun ranks");
  ev->add_option("JOB", eval_job, "Job file ([dataset], [search], [evaluate])")->required();
  ev->add_option("--proxy", ereq.proxy, "Condensed set to score the candidates on (default: the original data)");
  ev->add_option("--truth", ereq.truth, "Ground truth for the proxy's ρ/τ/regret (default <output_dir>/truth.h5)");
  ev->add_option("--slice", ereq.slice, "I/N: score only slice I of N of the candidates (Slurm job-array task)");
  ev->add_option("--merge-slices", ereq.merge_slices, "N: merge truth-slice-*-of-N.h5 into the ground truth");
  ev->add_flag("--transfer", ereq.transfer,
               "With --proxy: train each candidate on S_train and score it on the original validation/test splits "
               "(GCond's protocol, [transfer] settings) instead of ranking on S_val; for images with "
               "transfer.network = \"matching-convnet\": DC's ConvNet by DC's protocol");
  ev->add_option("--out", ereq.out,
                 "Results file (default: truth.h5, truth-slice-I-of-N.h5, evaluation-<proxy>.h5, transfer-<proxy>.h5 or "
                 "transfer-convnet-<proxy>.h5)");
  add_set(ev);
  ev->callback([&] { job_rc = run::run_evaluate(run::parse_job_file(eval_job, overrides), ereq); });

  // nas
  std::string nas_job;
  auto* nas = app.add_subcommand("nas",
                                 "Architecture search (grid, regularised evolution) on the original data and on the "
                                 "condensed proxies of an earlier `hcdc run`, timed; tests what each finds");
  nas->add_option("JOB", nas_job, "Job file ([dataset], [search], [evaluate], [condense], [nas])")->required();
  add_set(nas);
  nas->callback([&] { job_rc = run::run_nas(run::parse_job_file(nas_job, overrides)); });

  // reference
  auto* ref = app.add_subcommand("reference",
                                 "Print the job-file reference (every key, its default, and every registered name) "
                                 "as markdown, as jobs/README.md carries it");
  ref->callback([&] { fmt::print("{}", run::job_reference()); });
  for (auto* c : {runc, hpo, hg, cond, ev, nas}) c->footer(run::registered_names());

  // Thread count and logging must be in force before any subcommand callback runs.
  app.parse_complete_callback([&] {
    init_logging(log_level);
    set_command_line_threads(threads);
    configure_threads(threads);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  } catch (const InputError& e) {
    // Every rank reads the same inputs and finds the same error: rank 0 reports it.
    if (dist::world_rank() == 0) fmt::print(stderr, "hcdc: error: {}\n", e.what());
    dist::abort_if_distributed(kExitBadInput);
    return kExitBadInput;
  } catch (const SettingError& e) {
    // A setting found bad below the config layer that no command placed in its section.
    if (dist::world_rank() == 0) fmt::print(stderr, "hcdc: error: setting {}\n", e.what());
    dist::abort_if_distributed(kExitBadInput);
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "hcdc: internal error (rank {}): {}\n", dist::world_rank(), e.what());
    dist::abort_if_distributed(kExitInternal);
    return kExitInternal;
  }
  if (show_version) {
    fmt::print("hcdc {} (git {})\n{}\n", project_version(), git_commit(), run::dependency_versions());
    return kExitOk;
  }
  if (app.get_subcommands().empty()) {
    fmt::print(stderr, "{}", app.help());
    return kExitBadInput;
  }
  return job_rc;
}
