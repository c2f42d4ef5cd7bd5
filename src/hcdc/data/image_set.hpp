#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hcdc/data/provenance.hpp"
#include "hcdc/data/splits.hpp"

namespace hcdc::io {
class H5File;
}

namespace hcdc::data {

// An image classification set (schema hcdc.image_set): images N×C×H×W stored either as uint8
// (imports of 8-bit data keep their size) or float32 (generated data). Exactly one is non-empty.
struct ImageSet {
  std::int64_t n = 0, channels = 0, height = 0, width = 0, num_classes = 0;
  std::vector<std::uint8_t> pixels_u8;
  std::vector<float> pixels_f32;
  std::vector<std::int64_t> labels;
  std::vector<std::string> class_names;  // optional
  Splits splits;
};

// Writes to a temporary name, validates it against the schema, then renames into place.
// Writes the datasets and attributes into an open file (no schema stamp, no validation):
// the building block of write_image_set, and how tests craft deliberately broken files.
void fill_image_set(io::H5File& f, const ImageSet& s, const Provenance& p);
void write_image_set(const std::string& path, const ImageSet& s, const Provenance& p);
// Validates, then reads.
ImageSet read_image_set(const std::string& path);

}  // namespace hcdc::data
