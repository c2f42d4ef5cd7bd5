#pragma once
// The normalised form of a job configuration: the effective TOML table (file + --set overrides)
// written back with keys sorted and values in one spelling, so the same settings give the same
// text however the file was laid out or the overrides were ordered. Digests of it identify a
// run (checkpoints) and a ground truth (cached truth files).
#include <toml++/toml.h>

#include <string>
#include <vector>

namespace hcdc::config {

// The canonical text of `root` without the dotted key paths in `drop` (e.g. "job.output_dir";
// absent paths are ignored). When `keep_only` is not empty, only those top-level sections stay.
std::string canonical_text(const toml::table& root, const std::vector<std::string>& drop,
                           const std::vector<std::string>& keep_only = {});

}  // namespace hcdc::config
