#pragma once
// Command-line overrides of job-file keys (`--set section.key=VALUE`), so a sweep or an ablation
// varies one setting without copying job files. VALUE is read as a TOML value (numbers, booleans,
// arrays, quoted strings); anything that is not one is taken as a bare string. The overridden
// keys then go through the same strict reading as the file's own keys.
#include <toml++/toml.h>

#include <string>
#include <vector>

namespace hcdc::config {

// Applies "a.b.c=VALUE" overrides in order; tables on the path are created when missing.
// Throws InputError (field "--set") for a malformed override.
void apply_overrides(toml::table& root, const std::vector<std::string>& overrides);

// The effective job text: the file's own text when nothing was overridden (comments kept),
// else the overridden table written back as TOML.
std::string effective_text(const std::string& file_text, const toml::table& root,
                           const std::vector<std::string>& overrides);

}  // namespace hcdc::config
