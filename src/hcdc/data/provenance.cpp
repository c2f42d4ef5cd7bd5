#include "hcdc/data/provenance.hpp"

#include "hcdc/io/h5file.hpp"

namespace hcdc::data {

void write_provenance(io::H5File& f, const Provenance& p) {
  if (p.seed) f.set_attr("seed", *p.seed);
  f.set_attr("config", p.config);
  f.set_attr("source", p.source);
}

}  // namespace hcdc::data
