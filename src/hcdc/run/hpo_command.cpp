#include "hcdc/run/hpo_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <limits>

#include "hcdc/core/error.hpp"
#include "hcdc/core/log.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"
#include "hcdc/run/training_setup.hpp"

namespace hcdc::run {
namespace {

std::vector<double> to_vector(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kDouble).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

void stamp_run(io::H5File& f, const JobSpec& job, const TrainingSetup& s) {
  f.set_attr("seed", static_cast<std::int64_t>(job.seed));
  f.set_attr("config", job.text);
  f.set_attr("model", s.model.family->name());
  f.set_attr("dataset", s.data.path);
}

}  // namespace

int run_hpo(const JobSpec& job) {
  TrainingSetup s = make_training_setup(job);
  hypergrad::HpoTrajectory traj(*s.problem, s.theta0, s.model.lambda, job.hpo);
  const auto L = s.model.family->num_lambda();
  std::vector<std::int64_t> step;
  std::vector<double> lambdas, grads, train_loss, val_loss, val_acc, test_acc, seconds;
  std::vector<std::string> status;
  auto t0 = std::chrono::steady_clock::now();
  Progress progress("hpo", job.hpo.inner.steps);
  while (!traj.finished()) {
    hypergrad::HpoStep st = traj.step();
    progress.step();
    if (!st.lambda_updated && !st.diverged) continue;
    step.push_back(traj.t());
    auto lam = to_vector(traj.lambda());
    lambdas.insert(lambdas.end(), lam.begin(), lam.end());
    auto g = st.lambda_updated ? to_vector(st.hypergradient.total)
                               : std::vector<double>(static_cast<size_t>(L), std::numeric_limits<double>::quiet_NaN());
    grads.insert(grads.end(), g.begin(), g.end());
    train_loss.push_back(st.train_loss);
    {
      torch::NoGradGuard ng;
      val_loss.push_back(s.problem->val_loss(traj.theta(), traj.lambda()).item<double>());
    }
    val_acc.push_back(s.problem->accuracy(traj.theta(), traj.lambda(), s.problem->val()));
    test_acc.push_back(s.problem->accuracy(traj.theta(), traj.lambda(), s.test));
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    status.push_back(st.status);
    spdlog::info("hpo step {}: λ = [{:.4g}] val_loss {:.4f} val_acc {:.4f} {}", traj.t(), fmt::join(lam, ", "),
                 val_loss.back(), val_acc.back(), st.status == "ok" ? "" : st.status);
  }
  if (step.empty())
    throw InputError(job.file, "hpo.lambda_every", "the trajectory is too short for a single λ step (train.steps)");
  std::string out = job.output_dir + "/hpo.h5";
  io::write_validated(out, io::kHpoTraceSchema, [&](io::H5File& f) {
    stamp_run(f, job, s);
    auto T = static_cast<std::int64_t>(step.size());
    f.write("trace/step", step);
    f.write("trace/lambda", {T, L}, lambdas.data());
    f.write("trace/hypergradient", {T, L}, grads.data());
    f.write("trace/train_loss", train_loss);
    f.write("trace/val_loss", val_loss);
    f.write("trace/val_acc", val_acc);
    f.write("trace/test_acc", test_acc);
    f.write("trace/seconds", seconds);
    f.write_strings("trace/status", status);
    f.write("final/lambda", to_vector(traj.lambda()));
    f.write("final/theta", to_vector(traj.theta()));
  });
  fmt::print("hpo '{}': {} λ steps; final λ = [{:.4g}]; val_acc {:.4f}, test_acc {:.4f}; wrote {}\n", job.name,
             step.size(), fmt::join(to_vector(traj.lambda()), ", "), val_acc.back(), test_acc.back(), out);
  return kExitOk;
}

int run_hypergrad(const JobSpec& job) {
  TrainingSetup s = make_training_setup(job);
  auto t0 = std::chrono::steady_clock::now();
  torch::Tensor theta = hypergrad::train_theta(*s.problem, s.theta0, s.model.lambda, job.hpo.inner);
  const auto& inner = job.hpo.inner;
  const bool newton = inner.finish == "newton" ||
                      (inner.finish == "auto" && s.model.family->convex_in_theta() &&
                       s.problem->num_theta() <= job.hpo.solver.exact_max_dim);
  if (newton) {
    double before = hypergrad::SecondOrder(*s.problem, theta, s.model.lambda).grad_theta().norm().item<double>();
    theta = hypergrad::minimize_newton(*s.problem, theta, s.model.lambda);
    spdlog::info("θ finished with Newton's method (train.finish = {}): ‖∇θ L_train‖ {:.3g} -> {:.3g}", inner.finish,
                 before, hypergrad::SecondOrder(*s.problem, theta, s.model.lambda).grad_theta().norm().item<double>());
  }
  double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  hypergrad::SecondOrder so(*s.problem, theta, s.model.lambda);
  double grad_norm = so.grad_theta().norm().item<double>();
  // The implicit-function theorem assumes ∇θ L_train = 0. Measured against ∇θ L_val (the vector the
  // solvers invert H on), a larger residual means the hypergradient answers for the θ it was
  // given, not for θ*(λ).
  double val_grad_norm = 0;
  {
    auto th = theta.detach().clone().requires_grad_(true);
    auto gv = torch::autograd::grad({s.problem->val_loss(th, s.model.lambda.detach())}, {th})[0];
    val_grad_norm = gv.norm().item<double>();
  }
  const double ift_ratio = val_grad_norm > 0 ? grad_norm / val_grad_norm : grad_norm;
  const bool ift_holds = ift_ratio <= inner.ift_tolerance;
  if (!ift_holds)
    spdlog::warn("θ is not converged: ‖∇θ L_train‖ = {:.3g} is {:.3g} × ‖∇θ L_val‖ (> train.ift_tolerance = {:.3g}), so "
                 "the implicit-function premise does not hold and the hypergradients below are exact only for this θ; "
                 "train longer (train.steps, train.lr){}",
                 grad_norm, ift_ratio, inner.ift_tolerance,
                 s.model.family->convex_in_theta() ? " or set train.finish = \"newton\"" : "");
  double train_loss, val_loss;
  {
    torch::NoGradGuard ng;
    train_loss = s.problem->train_loss(theta, s.model.lambda).item<double>();
    val_loss = s.problem->val_loss(theta, s.model.lambda).item<double>();
  }
  spdlog::info("trained θ for {} steps in {:.2f}s: L_train {:.6f}, ‖∇θ L_train‖ {:.3g}", job.hpo.inner.steps,
               train_seconds, train_loss, grad_norm);
  const auto L = s.model.family->num_lambda();
  std::vector<std::string> names, statuses;
  std::vector<double> total, direct, indirect, residual, secs;
  std::vector<std::int64_t> iterations;
  for (const auto& name : job.hypergrad_solvers) {
    hypergrad::SolverOptions o = job.hpo.solver;
    o.kind = hypergrad::parse_solver_kind(name, job.file, "hypergrad.solvers");
    names.push_back(name);
    try {
      auto g = hypergrad::hypergradient(*s.problem, theta, s.model.lambda, o);
      for (auto [dst, src] : {std::pair{&total, &g.total}, {&direct, &g.direct}, {&indirect, &g.indirect}}) {
        auto v = to_vector(*src);
        dst->insert(dst->end(), v.begin(), v.end());
      }
      residual.push_back(g.solve.relative_residual);
      iterations.push_back(g.solve.iterations);
      secs.push_back(g.seconds);
      statuses.push_back("ok");
      spdlog::info("{}: g = [{:.6g}] residual {:.3g}, {} iterations, {:.3f}s", name, fmt::join(to_vector(g.total), ", "),
                   g.solve.relative_residual, g.solve.iterations, g.seconds);
    } catch (const hypergrad::SolverDiverged& e) {
      for (auto* dst : {&total, &direct, &indirect})
        dst->insert(dst->end(), static_cast<size_t>(L), std::numeric_limits<double>::quiet_NaN());
      residual.push_back(std::numeric_limits<double>::quiet_NaN());
      iterations.push_back(0);
      secs.push_back(0);
      statuses.push_back(e.what());
      spdlog::warn("{}: {}", name, e.what());
    }
  }
  std::string out = job.output_dir + "/hypergrad.h5";
  io::write_validated(out, io::kHypergradSchema, [&](io::H5File& f) {
    stamp_run(f, job, s);
    f.set_attr("train_steps", static_cast<std::int64_t>(job.hpo.inner.steps));
    f.set_attr("train_loss", train_loss);
    f.set_attr("train_grad_norm", grad_norm);
    f.set_attr("val_grad_norm", val_grad_norm);
    f.set_attr("ift_ratio", ift_ratio);
    f.set_attr("ift_tolerance", inner.ift_tolerance);
    f.set_attr("ift_premise", std::string(ift_holds ? "holds" : "violated"));
    f.set_attr("inner_finish", std::string(newton ? "newton" : "none"));
    f.set_attr("val_loss", val_loss);
    f.set_attr("train_seconds", train_seconds);
    f.write("theta", to_vector(theta));
    f.write("lambda", to_vector(s.model.lambda));
    auto S = static_cast<std::int64_t>(names.size());
    f.write_strings("solvers/name", names);
    f.write_strings("solvers/status", statuses);
    f.write("solvers/hypergradient", {S, L}, total.data());
    f.write("solvers/direct", {S, L}, direct.data());
    f.write("solvers/indirect", {S, L}, indirect.data());
    f.write("solvers/relative_residual", residual);
    f.write("solvers/iterations", iterations);
    f.write("solvers/seconds", secs);
  });
  fmt::print("hypergrad '{}': {} solvers; wrote {}\n", job.name, names.size(), out);
  return kExitOk;
}

}  // namespace hcdc::run
