#include "hcdc/run/image_task.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "hcdc/core/error.hpp"
#include "hcdc/data/image_set.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::run {
namespace {

// Up to `per_class` ids of every class from `ids` (0: all), drawn with `rng`, in file order.
// An empty class is an error: the task would have no sample to train or score it on.
std::vector<std::int64_t> balanced_subset(const std::vector<std::int64_t>& ids, const std::vector<std::int64_t>& labels,
                                          std::int64_t num_classes, std::int64_t per_class, std::mt19937_64& rng,
                                          const std::string& path, const std::string& split, const std::string& key) {
  std::vector<std::vector<std::int64_t>> by_class(static_cast<std::size_t>(num_classes));
  const auto n = static_cast<std::int64_t>(labels.size());
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto i = ids[k];
    if (i < 0 || i >= n)
      throw InputError(path, "splits/" + split, fmt::format("entry {} is image {}, outside [0, {})", k, i, n));
    const auto c = labels[static_cast<std::size_t>(i)];
    if (c < 0 || c >= num_classes)
      throw InputError(path, "labels", fmt::format("image {} has label {}, outside [0, {})", i, c, num_classes));
    by_class[static_cast<std::size_t>(c)].push_back(i);
  }
  std::vector<std::int64_t> out;
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    auto& v = by_class[c];
    if (v.empty())
      throw InputError(path, "splits/" + split,
                       fmt::format("class {} has no image in this split, so it cannot be {} on (images.{})", c,
                                   split == "test" ? "tested" : "trained or validated", key));
    std::shuffle(v.begin(), v.end(), rng);
    if (per_class > 0 && static_cast<std::int64_t>(v.size()) > per_class) v.resize(static_cast<std::size_t>(per_class));
    out.insert(out.end(), v.begin(), v.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool is_image_file(const std::string& path) {
  auto f = io::H5File::open_read(path);
  return f.has_attr("schema_name") && f.attr_string("schema_name") == io::kImageSetSchema;
}

condense::GraphTask load_image_task(const std::string& path, const ImageTaskSpec& spec, std::int64_t channels) {
  data::ImageSet s = data::read_image_set(path);
  if (s.channels != channels)
    throw InputError(path, "images",
                     fmt::format("the images have {} channel(s) but the search space's cells take {} "
                                 "(search.image_channels)",
                                 s.channels, channels));
  if (s.height < 2 * spec.pool || s.width < 2 * spec.pool)
    throw InputError(path, "images",
                     fmt::format("{}×{} images are too small for images.pool = {} (at least 2×2 pixels must remain)",
                                 s.height, s.width, spec.pool));
  if (s.splits.val.empty()) throw InputError(path, "splits/val", "the image set has no validation split");
  if (static_cast<std::int64_t>(s.labels.size()) != s.n)
    throw InputError(path, "labels", fmt::format("{} labels for {} images", s.labels.size(), s.n));
  std::mt19937_64 rng(spec.seed * 0x9E3779B97F4A7C15ULL + 0x1A6E);
  const auto train = balanced_subset(s.splits.train, s.labels, s.num_classes, spec.train_per_class, rng, path, "train",
                                     "train_per_class");
  const auto val = balanced_subset(s.splits.val, s.labels, s.num_classes, spec.val_per_class, rng, path, "val",
                                   "val_per_class");
  const auto test = balanced_subset(s.splits.test, s.labels, s.num_classes, spec.test_per_class, rng, path, "test",
                                    "test_per_class");
  const torch::Tensor all =
      s.pixels_u8.empty()
          ? torch::from_blob(s.pixels_f32.data(), {s.n, s.channels, s.height, s.width}, torch::kFloat)
          : torch::from_blob(s.pixels_u8.data(), {s.n, s.channels, s.height, s.width}, torch::kUInt8).to(torch::kFloat) / 255.0;
  const torch::Tensor labels = torch::tensor(s.labels, torch::kLong);
  auto pick = [&](const std::vector<std::int64_t>& ids) {
    const auto i = torch::tensor(ids, torch::kLong);
    torch::Tensor x = all.index_select(0, i);
    if (spec.pool > 1) x = torch::avg_pool2d(x, spec.pool, spec.pool);
    return search::blocks_of(x.contiguous(), labels.index_select(0, i));
  };
  condense::GraphTask task{pick(train), pick(val), pick(test), s.num_classes, static_cast<std::int64_t>(train.size()),
                           {}, {}, {}};
  // Standardised by the training subset's statistics per channel (as image pipelines do), the
  // same transform for every split and for anything condensed from them.
  const torch::Tensor mean = task.train.x.mean({0, 2, 3}, true), sd = task.train.x.std(c10::IntArrayRef{0, 2, 3}, true, true).clamp_min(1e-6);
  for (auto* b : {&task.train, &task.val, &task.test}) b->x = ((b->x - mean) / sd).contiguous();
  spdlog::info("images: {} train / {} val / {} test of {} classes, {}×{}×{} after pooling by {}", train.size(), val.size(),
               test.size(), s.num_classes, s.channels, task.train.x.size(2), task.train.x.size(3), spec.pool);
  return task;
}

}  // namespace hcdc::run
