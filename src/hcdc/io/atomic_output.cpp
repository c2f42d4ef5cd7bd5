#include "hcdc/io/atomic_output.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "hcdc/core/error.hpp"

namespace fs = std::filesystem;

namespace hcdc::io {

AtomicOutput::AtomicOutput(std::string final_path) : final_(std::move(final_path)) {
  fs::path p(final_);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir)) throw InputError(final_, "", "output directory does not exist: " + dir.string());
  temp_ = (dir / fmt::format(".{}.tmp.{}", p.filename().string(), ::getpid())).string();
  fs::remove(temp_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicOutput::commit() {
  // fsync the data before the rename so the name never points at unwritten blocks after a crash.
  int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(temp_.c_str(), final_.c_str()) != 0)
    throw InputError(final_, "", fmt::format("cannot rename {} into place: {}", temp_, std::strerror(errno)));
  committed_ = true;
  fs::path dir = fs::path(final_).parent_path();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);  // persist the directory entry too
    ::close(dfd);
  }
}

void write_text_file(const std::string& path, const std::string& text) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path());
    f << text;
    if (!f.flush()) throw InputError(path, "", "cannot write " + out.temp_path());
  }
  out.commit();
}

}  // namespace hcdc::io
