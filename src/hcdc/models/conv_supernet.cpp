#include "hcdc/models/conv_supernet.hpp"

#include <fmt/format.h>

#include "hcdc/core/error.hpp"

namespace hcdc::models {

ConvSupernet::ConvSupernet(std::int64_t in_features, std::int64_t num_classes, ConvSupernetConfig cfg)
    : in_(in_features), classes_(num_classes), cfg_(std::move(cfg)) {
  if (cfg_.convs.empty()) throw SettingError("filters", "the supernet needs at least one convolution");
  if (cfg_.layers < 1) throw SettingError("depths", "depth must be >= 1");
  if (cfg_.hidden < 1) throw SettingError("widths", "width must be >= 1");
  for (int l = 0; l < cfg_.layers; ++l) {
    const bool last = l + 1 == cfg_.layers;
    const std::int64_t din = l == 0 ? in_ : cfg_.hidden, dout = last ? classes_ : cfg_.hidden;
    std::vector<ConvLayer> row;
    for (Conv c : cfg_.convs) row.emplace_back(c, din, dout, last ? 1 : cfg_.gat_heads, cfg_.smooth, layout_);
    layers_.push_back(std::move(row));
  }
}

torch::Tensor ConvSupernet::init_theta(std::uint64_t seed, torch::Dtype dtype) const { return layout_.glorot(seed, dtype); }

torch::Tensor ConvSupernet::default_lambda(torch::Dtype dtype) const {
  return torch::full({num_lambda()}, 1.0 / static_cast<double>(num_lambda()), torch::TensorOptions().dtype(dtype));
}

torch::Tensor ConvSupernet::logits(const torch::Tensor& theta, const torch::Tensor& lambda, const ModelInput& in) const {
  if (!in.graph) throw SettingError("family", "conv-supernet is a message-passing model but the data has no graph");
  if (in.x.dim() != 2 || in.x.size(1) != in_)
    throw SettingError("family", fmt::format("conv-supernet expects {} node features, the data has {}", in_,
                                              in.x.dim() == 2 ? in.x.size(1) : -1));
  if (lambda.dim() != 1 || lambda.size(0) != num_lambda())
    throw SettingError("lambda", fmt::format("conv-supernet mixes {} convolutions, λ has {} entries", num_lambda(),
                                              lambda.numel()));
  // A convolution whose weight is 0 and takes no gradient adds nothing: skipped, so a one-hot
  // candidate costs one convolution, not all of them.
  const bool need_all = lambda.requires_grad();
  auto weights = lambda.detach().to(torch::kDouble).contiguous();
  torch::Tensor h = in.x;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const bool last = l + 1 == layers_.size();
    torch::Tensor mixed;
    for (std::size_t j = 0; j < layers_[l].size(); ++j) {
      if (!need_all && weights.data_ptr<double>()[j] == 0.0) continue;
      const ConvLayer& layer = layers_[l][j];
      torch::Tensor z = layer.forward(layout_, theta, h, *in.graph);
      if (!last && conv_is_followed_by_activation(layer.conv())) z = cfg_.smooth ? torch::tanh(z) : torch::relu(z);
      z = lambda[static_cast<std::int64_t>(j)] * z;
      mixed = mixed.defined() ? mixed + z : z;
    }
    if (!mixed.defined()) mixed = torch::zeros({h.size(0), last ? classes_ : cfg_.hidden}, h.options());
    h = !last && in.dropout != nullptr ? (*in.dropout)(mixed) : mixed;
  }
  return h;
}

}  // namespace hcdc::models
