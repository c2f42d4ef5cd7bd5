#pragma once
// Learned condensation of images (N×C×H×W), on DC's ConvNet (MatchingConvNet below; by default
// at depth 2 without normalisation: [conv 3×3 → ReLU → average pool 2] × 2 → linear), a fresh
// seeded network every iteration:
//  * DC: per class, Σ over layers and output units of 1 − cos between the weight gradients of the
//    classification loss on a real batch and on the synthetic images (biases contribute 0);
//    between matching steps the network trains a step on the synthetic set;
//  * DSA: DC with differentiable siamese augmentation — one random colour / affine (scale,
//    rotation, translation) / cutout / flip draw per class and step, applied to the real batch
//    and to the synthetic images alike, so gradients flow through it to the images;
//  * DM: per class, squared distance between the mean embeddings (the features the linear layer
//    reads) of real and synthetic images under a fresh random network, with the same augmentation.
// Synthetic images start at random real images of their class and move by SGD (momentum 0.5).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "hcdc/condense/matching.hpp"

namespace hcdc::condense {

enum class ImageMatching { kDc, kDsa, kDm };

// DC's ConvNet: `image_depth` × [conv 3×3 (padding 1) → instance norm (`image_norm`; affine, as
// DC's GroupNorm with one group per channel) → ReLU → average pool 2] → linear, `image_width`
// channels, weights seeded independently of LibTorch's generator (Glorot-uniform, zero biases,
// unit norm scales). p holds per block the conv weight (W×C×3×3), its bias and (with the norm) the
// norm's scale and shift, then the linear weight (features × classes) and its bias. matched[k]:
// whether p[k] enters DC's matching distance (DC gives one-dimensional parameters none); conv[k]:
// whether it is a conv weight.
struct MatchingConvNet {
  std::vector<torch::Tensor> p;
  std::vector<char> matched, conv;
  int depth;
  bool norm;
  MatchingConvNet(std::int64_t channels, std::int64_t height, std::int64_t width, const MatchingOptions& o,
                  std::int64_t classes, std::uint64_t seed, torch::Dtype dt);
  torch::Tensor features(const torch::Tensor& x) const;  // what the linear layer reads
  torch::Tensor logits(const torch::Tensor& x) const;
};

// DC's evaluation of a condensed image set (its papers' test accuracies): a fresh ConvNet of `o`'s
// shape, seeded, trained on `train` by SGD (momentum 0.9, weight decay; PyTorch's update) on
// minibatches of `batch` reshuffled every epoch (the order from std::mt19937_64 seeded with
// convnet_order_seed(seed)), the rate × 0.1 from epoch ⌊epochs/2⌋ on (DC's schedule), no
// augmentation; convnet_accuracy then scores the trained network (its last epoch) on a test split.
struct ConvNetTraining {
  int epochs = 300;
  double lr = 0.01;
  double weight_decay = 5e-4;
  std::int64_t batch = 256;
  bool lr_drop = true;
};
inline std::uint64_t convnet_order_seed(std::uint64_t seed) { return seed * 0x9E3779B97F4A7C15ULL + 0xE7A; }
MatchingConvNet train_matching_convnet(const search::LabelledBlocks& train, std::int64_t num_classes,
                                       const MatchingOptions& o, const ConvNetTraining& t, std::uint64_t seed);
double convnet_accuracy(const MatchingConvNet& net, const search::LabelledBlocks& test);

SyntheticSet image_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                            std::int64_t num_classes, ImageMatching kind, const MatchingOptions& o, std::uint64_t seed);

// DSA's augmentation of a batch of images with the draw of `seed` (the same draw for every image:
// the siamese part); differentiable in x. Exposed for tests.
torch::Tensor siamese_augment(const torch::Tensor& x, std::uint64_t seed);

// The matching distance of DC between two gradients of one weight: a conv weight
// (out × in × k × k) or a linear weight stored in × out, as Σ over output units of 1 − cos.
torch::Tensor weight_gradient_distance(const torch::Tensor& g_real, const torch::Tensor& g_syn, bool conv);

}  // namespace hcdc::condense
