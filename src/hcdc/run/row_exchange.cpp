#include "hcdc/run/row_exchange.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace hcdc::run {
namespace {

double parse_hex(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') throw std::runtime_error("gather_rows: malformed number '" + s + "'");
  return v;
}

}  // namespace

std::vector<io::ResultRow> gather_rows(dist::Communicator& comm, const std::vector<io::ResultRow>& mine) {
  // One line per row, tab-separated; proxy names never contain tabs or newlines.
  std::string text;
  for (const auto& r : mine)
    text += fmt::format("{}\t{}\t{}\t{:a}\t{:a}\t{:a}\t{:a}\n", r.candidate, r.proxy, r.seed, r.score, r.val_loss,
                        r.test_acc, r.seconds);
  std::vector<io::ResultRow> all;
  for (const auto& part : comm.allgather_bytes(text)) {
    std::istringstream lines(part);
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::istringstream fields(line);
      std::string x;
      while (std::getline(fields, x, '\t')) f.push_back(x);
      if (f.size() != 7) throw std::runtime_error("gather_rows: malformed row '" + line + "'");
      all.push_back({std::stoll(f[0]), f[1], std::stoll(f[2]), parse_hex(f[3]), parse_hex(f[4]), parse_hex(f[5]),
                     parse_hex(f[6])});
    }
  }
  return all;
}

}  // namespace hcdc::run
