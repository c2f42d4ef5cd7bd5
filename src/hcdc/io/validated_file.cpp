#include "hcdc/io/validated_file.hpp"

#include <fmt/format.h>

#include "hcdc/core/error.hpp"
#include "hcdc/io/atomic_output.hpp"
#include "hcdc/io/schema.hpp"

namespace hcdc::io {

void write_validated(const std::string& path, const std::string& schema_name,
                     const std::function<void(H5File&)>& fill) {
  AtomicOutput out(path);
  {
    H5File f = H5File::create(out.temp_path());
    stamp_schema(f, schema_name);
    fill(f);
  }  // closed here: the validator reads what is on disk
  try {
    validate_file(out.temp_path());
  } catch (const InputError& e) {
    // A writer produced something its own schema rejects: a bug or bad input data; name the target.
    throw InputError(path, e.field(), fmt::format("refusing to write an invalid file: {}", e.what()));
  }
  out.commit();
}

H5File open_validated(const std::string& path, const std::string& schema_name) {
  validate_file(path);
  H5File f = H5File::open_read(path);
  std::string actual = f.attr_string("schema_name");
  if (actual != schema_name)
    throw InputError(path, "schema_name", fmt::format("is '{}', expected '{}'", actual, schema_name));
  return f;
}

}  // namespace hcdc::io
