#pragma once
// Learned condensation of images (N×C×H×W), on DC's ConvNet (MatchingConvNet below; by default
// at depth 2 without normalisation: [conv 3×3 → ReLU → average pool 2] × 2 → linear), a fresh
// seeded network every iteration:
//  * DC: per class, Σ over layers and output units of 1 − cos between the weight gradients of the
//    classification loss on a real batch and on the synthetic images (biases contribute 0);
//    between matching steps the network trains a step on the synthetic set;
//  * DSA: DC with differentiable siamese augmentation — one random draw per class and step (by
//    default DSA's: one of colour, crop, cutout, flip, scale, rotate, as DSA's code), applied to
//    the real batch and to the synthetic images alike, so gradients flow through it to the images;
//  * DM: per class, squared distance between the mean embeddings (the features the linear layer
//    reads) of real and synthetic images under a fresh random network, with the same augmentation.
// Synthetic images start at random real images of their class and move by SGD (momentum 0.5).
#include <torch/torch.h>

#include <cstdint>
#include <random>
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
// convnet_order_seed(seed)), the rate × 0.1 from epoch ⌊epochs/2⌋ on (DC's schedule); without
// augmentation (DC on Fashion-MNIST) or, with `dsa_augment`, every minibatch through
// dsa_augment_each (DSA's and DM's evaluation; its generator seeded with convnet_augment_seed(seed));
// convnet_accuracy then scores the trained network (its last epoch) on a test split.
struct ConvNetTraining {
  int epochs = 300;
  double lr = 0.01;
  double weight_decay = 5e-4;
  std::int64_t batch = 256;
  bool lr_drop = true;
  bool dsa_augment = false;
};
inline std::uint64_t convnet_order_seed(std::uint64_t seed) { return seed * 0x9E3779B97F4A7C15ULL + 0xE7A; }
inline std::uint64_t convnet_augment_seed(std::uint64_t seed) { return seed * 0x9E3779B97F4A7C15ULL + 0xA06; }
MatchingConvNet train_matching_convnet(const search::LabelledBlocks& train, std::int64_t num_classes,
                                       const MatchingOptions& o, const ConvNetTraining& t, std::uint64_t seed);
double convnet_accuracy(const MatchingConvNet& net, const search::LabelledBlocks& test);

SyntheticSet image_matching(const search::LabelledBlocks& real, const std::vector<std::int64_t>& per_class,
                            std::int64_t num_classes, ImageMatching kind, const MatchingOptions& o, std::uint64_t seed);

// DSA's augmentation families and their parameters, with DSA's code's ranges (ParamDiffAug):
// brightness shift U(−0.5, 0.5); saturation scale U(0, 2) about the channel mean (nothing on one
// channel); contrast scale U(0.5, 1.5) about the image mean; crop = an integer translation of up to
// round(side/8) pixels, zero fill; cutout = a zeroed square of round(side/2) centred at U{0…side}
// (clipped to the image); horizontal flip with probability 1/2; scale U(1/1.2, 1.2) per axis;
// rotation U(−15°, 15°). Scale and rotation resample bilinearly with zero padding.
enum class DsaFamily { kColor, kCrop, kCutout, kFlip, kScale, kRotate };
constexpr int kDsaFamilies = 6;
struct DsaParams {
  double brightness = 0, saturation = 1, contrast = 1;
  std::int64_t shift_h = 0, shift_w = 0;     // crop: output(i, j) = input(i + shift_h, j + shift_w)
  std::int64_t cutout_h = 0, cutout_w = 0;   // cutout: the square's centre
  bool flip = false;
  double scale_h = 1, scale_w = 1, angle = 0;  // angle in radians
};
DsaParams draw_dsa_params(std::mt19937_64& rng, std::int64_t height, std::int64_t width);
DsaFamily draw_dsa_family(std::mt19937_64& rng);
// One family with one parameter set, applied to every image of x (N×C×H×W); differentiable in x.
torch::Tensor dsa_transform(const torch::Tensor& x, DsaFamily family, const DsaParams& p);

// DSA's siamese augmentation of a batch with the draw of `seed`: the same family and parameters
// for every image (so the real batch and the synthetic images see one transformation);
// differentiable in x. kAllAtOnce: hcdc's earlier all-families form (MatchingOptions).
torch::Tensor siamese_augment(const torch::Tensor& x, std::uint64_t seed,
                              MatchingOptions::Augmentation mode = MatchingOptions::Augmentation::kDsa);
// DSA's augmentation while evaluating (its `DiffAugment` without a seed): one family drawn for the
// batch, then each image its own parameters, from `rng`.
torch::Tensor dsa_augment_each(const torch::Tensor& x, std::mt19937_64& rng);

// The matching distance of DC between two gradients of one weight: a conv weight
// (out × in × k × k) or a linear weight stored in × out, as Σ over output units of 1 − cos.
torch::Tensor weight_gradient_distance(const torch::Tensor& g_real, const torch::Tensor& g_syn, bool conv);

}  // namespace hcdc::condense
