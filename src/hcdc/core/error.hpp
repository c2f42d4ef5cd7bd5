#pragma once
// One error type for everything a user can get wrong: it names the file and the field, so the
// CLI can print a single line "hcdc: error: FILE: FIELD: what" and exit with kExitBadInput.
#include <stdexcept>
#include <string>

namespace hcdc {

// Exit codes that scripts (and Slurm requeue logic) can rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;   // a bug or an environment failure
inline constexpr int kExitBadInput = 2;   // bad file, bad config, bad command line
inline constexpr int kExitPreempted = 3;  // stopped by a signal after a checkpoint; resumable

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string field, const std::string& what)
      : std::runtime_error(compose(file, field, what)), file_(std::move(file)), field_(std::move(field)), what_(what) {}
  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  // The reason alone, without the file and field.
  const std::string& what_only() const { return what_; }

 private:
  static std::string compose(const std::string& file, const std::string& field, const std::string& what) {
    std::string s = file.empty() ? std::string() : file + ": ";
    if (!field.empty()) s += field + ": ";
    return s + what;
  }
  std::string file_, field_, what_;
};

// A bad setting found below the config layer, named by the component's own setting name
// ("layers", "exact_max_dim") rather than a job key: lower layers do not know job files. The
// config layer (config::in_section) turns it into an InputError naming the file and the job key.
class SettingError : public std::invalid_argument {
 public:
  SettingError(std::string setting, const std::string& what)
      : std::invalid_argument(setting + ": " + what), setting_(std::move(setting)), what_(what) {}
  const std::string& setting() const { return setting_; }
  const std::string& what_only() const { return what_; }

 private:
  std::string setting_, what_;
};

}  // namespace hcdc
