#pragma once
// Write-then-rename: outputs are written under a temporary name in the target directory and
// renamed into place only when complete, so a crash, a bad input or kill -9 never leaves a
// half-written file under the final name (rename(2) is atomic within one file system).
#include <string>

namespace hcdc::io {

class AtomicOutput {
 public:
  explicit AtomicOutput(std::string final_path);
  ~AtomicOutput();  // removes the temporary file unless commit() succeeded
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& temp_path() const { return temp_; }
  const std::string& final_path() const { return final_; }
  void commit();  // fsync + rename into place

 private:
  std::string final_, temp_;
  bool committed_ = false;
};

// A text file (a markdown table, a log summary) written through an AtomicOutput.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace hcdc::io
