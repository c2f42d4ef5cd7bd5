#pragma once
// Named GNN filters of the paper's Table 4 that are points of the graph filter family:
//   gcn          Â H W                                  (monomial, K = 1, λ = (0, 1))
//   sgc-K        Â^K H W, linear between layers         (monomial, K, λ = e_K)
//   chebnet-K    Σ_k T_k(L̃) H W_k                        (Chebyshev, K, separate W, λ = 1)
//   gin-0        (A + I) H W                            (gin basis, λ = (1, 1))
//   gin-eps      (A + (1+ε) I) H W, ε = 0.1             (gin basis, λ = (1+ε, 1))
//   sage-mean    H W_1 + D^-1 A H W_2                    (sage basis, separate W, λ = (1, 1))
// GIN's MLP is one linear layer here. GAT and SAGE-max are not points of the family.
#include <memory>
#include <string>
#include <vector>

#include "hcdc/models/graph_filter_gnn.hpp"

namespace hcdc::models {

struct NamedFilter {
  std::shared_ptr<GraphFilterGnn> model;
  torch::Tensor lambda;  // the coefficients that make the family equal the named filter
};

NamedFilter make_named_filter(const std::string& name, std::int64_t in_features, std::int64_t num_classes,
                              int layers, std::int64_t hidden, torch::Dtype dtype);
std::vector<std::string> named_filter_names();  // gcn, sgc-2, sgc-3, chebnet-2, chebnet-3, gin-0, gin-eps, sage-mean

}  // namespace hcdc::models
