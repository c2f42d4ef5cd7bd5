#include "hcdc/data/image_set.hpp"

#include "hcdc/core/error.hpp"
#include "hcdc/io/h5file.hpp"
#include "hcdc/io/schema.hpp"
#include "hcdc/io/validated_file.hpp"

namespace hcdc::data {

void fill_image_set(io::H5File& f, const ImageSet& s, const Provenance& p) {
  std::vector<std::int64_t> dims{s.n, s.channels, s.height, s.width};
  auto expected = static_cast<std::size_t>(s.n * s.channels * s.height * s.width);
  if (s.pixels_u8.size() + s.pixels_f32.size() != expected)
    throw InputError(f.path(), "images", "pixel buffer size differs from N x C x H x W");
  if (!s.pixels_u8.empty()) f.write("images", dims, s.pixels_u8.data());
  else f.write("images", dims, s.pixels_f32.data());
  f.write("labels", s.labels);
  if (!s.class_names.empty()) f.write_strings("class_names", s.class_names);
  f.write("splits/train", s.splits.train);
  f.write("splits/val", s.splits.val);
  f.write("splits/test", s.splits.test);
  f.set_attr("num_classes", s.num_classes);
  write_provenance(f, p);
}

void write_image_set(const std::string& path, const ImageSet& s, const Provenance& p) {
  io::write_validated(path, io::kImageSetSchema, [&](io::H5File& f) { fill_image_set(f, s, p); });
}

ImageSet read_image_set(const std::string& path) {
  io::H5File f = io::open_validated(path, io::kImageSetSchema);
  ImageSet s;
  auto info = f.info("images");
  s.n = info.dims[0];
  s.channels = info.dims[1];
  s.height = info.dims[2];
  s.width = info.dims[3];
  if (info.dtype == io::DType::kUInt8) s.pixels_u8 = f.read<std::uint8_t>("images");
  else s.pixels_f32 = f.read<float>("images");
  s.labels = f.read<std::int64_t>("labels");
  if (f.exists("class_names")) s.class_names = f.read_strings("class_names");
  s.splits = {f.read<std::int64_t>("splits/train"), f.read<std::int64_t>("splits/val"),
              f.read<std::int64_t>("splits/test")};
  s.num_classes = f.attr_int("num_classes");
  return s;
}

}  // namespace hcdc::data
