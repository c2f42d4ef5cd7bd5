#include "hcdc/core/markdown.hpp"

namespace hcdc {

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace hcdc
