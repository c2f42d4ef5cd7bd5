#pragma once
// The [dataset] section of a job file: which data a job runs on and how to obtain it.
#include <cstdint>
#include <string>

#include "hcdc/config/strict_table.hpp"
#include "hcdc/data/csbm.hpp"
#include "hcdc/data/fashion_mnist.hpp"
#include "hcdc/data/gaussian_images.hpp"
#include "hcdc/data/provenance.hpp"

namespace hcdc::run {

struct DatasetSpec {
  std::string kind;  // "fashion-mnist" | "csbm" | "gaussian-images" | "file"
  std::string path;  // kind = "file": an existing hcdc HDF5 file (e.g. Cora from import_planetoid.py)
  data::FashionMnistOptions fashion_mnist;
  data::CsbmOptions csbm;
  data::GaussianImagesOptions images;
};

DatasetSpec parse_dataset_spec(config::StrictTable t, std::uint64_t seed);

// Imports or generates the dataset into `out_path` (kind "file": validates and returns its path).
std::string materialize_dataset(const DatasetSpec& spec, const std::string& out_path, const data::Provenance& p);

}  // namespace hcdc::run
