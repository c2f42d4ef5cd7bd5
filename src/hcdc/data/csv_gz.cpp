#include "hcdc/data/csv_gz.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "hcdc/core/error.hpp"

namespace hcdc::data {

struct CsvGzReader::Gz {
  gzFile file = nullptr;
  ~Gz() {
    if (file) gzclose(file);
  }
};

CsvGzReader::CsvGzReader(std::string path) : path_(std::move(path)), gz_(std::make_unique<Gz>()) {
  gz_->file = gzopen(path_.c_str(), "rb");
  if (!gz_->file) throw InputError(path_, "", "cannot open");
  gzbuffer(gz_->file, 1 << 18);
}

CsvGzReader::~CsvGzReader() = default;

bool CsvGzReader::next_line() {
  line_text_.clear();
  char buf[1 << 14];
  for (;;) {
    if (!gzgets(gz_->file, buf, sizeof buf)) {
      int err = 0;
      const char* msg = gzerror(gz_->file, &err);
      if (err != Z_OK && err != Z_BUF_ERROR) throw InputError(path_, fmt::format("line {}", line_ + 1), fmt::format("corrupt gzip stream: {}", msg));
      if (!gzeof(gz_->file)) throw InputError(path_, fmt::format("line {}", line_ + 1), "read error");
      if (line_text_.empty()) return false;
      ++line_;
      return true;  // the last line has no newline
    }
    line_text_ += buf;
    if (!line_text_.empty() && line_text_.back() == '\n') {
      line_text_.pop_back();
      if (!line_text_.empty() && line_text_.back() == '\r') line_text_.pop_back();
      ++line_;
      return true;
    }
  }
}

template <class T>
bool CsvGzReader::next_fields(std::vector<T>& fields) {
  do {
    if (!next_line()) return false;
  } while (line_text_.empty());
  fields.clear();
  const char* p = line_text_.data();
  const char* end = p + line_text_.size();
  for (;;) {
    const char* comma = std::find(p, end, ',');
    T value{};
    // from_chars does not skip spaces: trim them around the field.
    const char* a = p;
    const char* b = comma;
    while (a < b && *a == ' ') ++a;
    while (b > a && b[-1] == ' ') --b;
    auto [stop, ec] = std::from_chars(a, b, value);
    if (ec != std::errc() || stop != b || a == b || (std::is_floating_point_v<T> && !std::isfinite(value)))
      throw InputError(path_, fmt::format("line {}", line_),
                       fmt::format("field {} '{}' is not {}", fields.size() + 1, std::string(p, comma),
                                   std::is_integral_v<T> ? "an integer" : "a finite number"));
    fields.push_back(value);
    if (comma == end) break;
    p = comma + 1;
  }
  return true;
}

bool CsvGzReader::next_ints(std::vector<std::int64_t>& fields) { return next_fields(fields); }
bool CsvGzReader::next_floats(std::vector<float>& fields) { return next_fields(fields); }

}  // namespace hcdc::data
