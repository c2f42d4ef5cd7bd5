// Writes one point of the hypergradient benchmarks' problem (cora_filter_problem.hpp) for an
// outside check: the trained θ, λ, both losses and hcdc's Neumann hypergradient at K = 5, 10 and
// 20 (α = 0.01, as compare-hypergrad.sh times them) with its direct part ∇_λ L_val, once in float32 and once in float64.
// benchmarks/hypergrad_equality.py recomputes the hypergradients with hypertorch from this θ.
//
// Usage: hcdc_hypergrad_point CORA_H5 OUT_H5     (1 thread; exit 1 naming the file on bad input)
#include <cstdio>
#include <exception>
#include <string>

#include "cora_filter_problem.hpp"
#include "hcdc/hypergrad/hypergradient.hpp"
#include "hcdc/io/atomic_output.hpp"
#include "hcdc/io/h5file.hpp"

namespace {

using namespace hcdc;

constexpr double kNeumannAlpha = 0.01;  // as compare-hypergrad.sh times the hypergradient

template <class T>
void write_tensor(io::H5File& f, const std::string& name, const torch::Tensor& t) {
  torch::Tensor c = t.detach().contiguous().cpu();
  f.write<T>(name, {c.numel()}, c.data_ptr<T>());
}

template <class T>
void write_point(io::H5File& f, const data::Graph& g, torch::Dtype dtype, const std::string& group) {
  bench::CoraFilterProblem p = bench::make_cora_filter_problem(g, dtype);
  write_tensor<T>(f, group + "/theta", p.theta);
  write_tensor<T>(f, group + "/lambda", p.lambda);
  auto [train, val] = p.problem->losses(p.theta, p.lambda);
  f.set_attr("train_loss", train.item<double>(), group + "/theta");
  f.set_attr("val_loss", val.item<double>(), group + "/theta");
  for (int k : {5, 10, 20}) {
    hypergrad::SolverOptions o;
    o.kind = hypergrad::SolverKind::kNeumann;
    o.neumann_terms = k;
    o.neumann_alpha = kNeumannAlpha;
    o.measure_residual = false;
    hypergrad::Hypergradient h = hypergrad::hypergradient(*p.problem, p.theta, p.lambda, o);
    write_tensor<T>(f, group + "/hypergrad_K" + std::to_string(k), h.total);
    if (k == 5) write_tensor<T>(f, group + "/direct", h.direct);  // ∇_λ L_val, the same for every K
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CORA_H5 OUT_H5\n", argv[0]);
    return 2;
  }
  try {
    at::set_num_threads(1);
    data::Graph g = data::read_graph(argv[1]);
    io::AtomicOutput out(argv[2]);
    {
      io::H5File f = io::H5File::create(out.temp_path());
      io::write_standard_attributes(f, "hypergrad-point", "1");
      f.set_attr("source", std::string(argv[1]));
      f.set_attr("hidden", static_cast<std::int64_t>(bench::cora_filter_config().hidden));
      f.set_attr("order", static_cast<std::int64_t>(bench::cora_filter_config().order));
      f.set_attr("weight_decay", bench::kCoraFilterWeightDecay);
      f.set_attr("neumann_alpha", kNeumannAlpha);
      f.set_attr("seed", static_cast<std::int64_t>(bench::kCoraFilterSeed));
      write_point<float>(f, g, torch::kFloat, "float32");
      write_point<double>(f, g, torch::kDouble, "float64");
    }
    out.commit();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hcdc_hypergrad_point: %s\n", e.what());
    return 1;
  }
  return 0;
}
