#pragma once
// Numeric CSV files, gzip-compressed (OGB's raw layout): read line by line through zlib, so a
// large file is never held twice. Only plain numeric fields: OGB writes no quotes or headers.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hcdc::data {

class CsvGzReader {
 public:
  // InputError(path, "", ...) when the file cannot be opened.
  explicit CsvGzReader(std::string path);
  ~CsvGzReader();
  CsvGzReader(const CsvGzReader&) = delete;
  CsvGzReader& operator=(const CsvGzReader&) = delete;

  // The fields of the next non-empty line, parsed as T (int64 or float); false at the end of the
  // file. A field that is not a number of type T is an InputError naming the file and the line.
  bool next_ints(std::vector<std::int64_t>& fields);
  bool next_floats(std::vector<float>& fields);
  std::int64_t line_number() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  bool next_line();
  template <class T>
  bool next_fields(std::vector<T>& fields);
  std::string path_, line_text_;
  std::int64_t line_ = 0;
  struct Gz;
  std::unique_ptr<Gz> gz_;
};

}  // namespace hcdc::data
