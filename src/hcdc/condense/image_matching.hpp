#pragma once
// Learned condensation of images (N×C×H×W), on DC's ConvNet at depth 2
// ([conv 3×3 → ReLU → average pool 2] × 2 → linear), a fresh seeded network every iteration:
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

SyntheticSet image_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                            std::int64_t num_classes, ImageMatching kind, const MatchingOptions& o, std::uint64_t seed);

// DSA's augmentation of a batch of images with the draw of `seed` (the same draw for every image:
// the siamese part); differentiable in x. Exposed for tests.
torch::Tensor siamese_augment(const torch::Tensor& x, std::uint64_t seed);

// The matching distance of DC between two gradients of one weight: a conv weight
// (out × in × k × k) or a linear weight stored in × out, as Σ over output units of 1 − cos.
torch::Tensor weight_gradient_distance(const torch::Tensor& g_real, const torch::Tensor& g_syn, bool conv);

}  // namespace hcdc::condense
