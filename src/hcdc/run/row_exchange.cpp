#include "hcdc/run/row_exchange.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <functional>
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

// Every rank's lines (tab-separated fields, one record a line), split into fields, in rank order.
template <class Record>
std::vector<Record> gather_lines(dist::Communicator& comm, const std::string& text, std::size_t fields_per_line,
                                 const std::function<Record(const std::vector<std::string>&)>& parse) {
  std::vector<Record> all;
  for (const auto& part : comm.allgather_bytes(text)) {
    std::istringstream lines(part);
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::istringstream fields(line);
      std::string x;
      while (std::getline(fields, x, '\t')) f.push_back(x);
      if (f.size() != fields_per_line) throw std::runtime_error("gather: malformed record '" + line + "'");
      all.push_back(parse(f));
    }
  }
  return all;
}

}  // namespace

std::vector<SummaryRow> gather_summaries(dist::Communicator& comm, const std::vector<SummaryRow>& mine) {
  std::string text;
  for (const auto& r : mine)
    text += fmt::format("{}\t{:a}\t{}\t{}\t{}\t{}\t{}\t{:a}\t{:a}\t{:a}\t{:a}\t{:a}\t{:a}\t{:a}\t{:a}\t{:a}\n",
                        r.method, r.budget, r.c_train, r.c_val, r.seed, r.solves, r.skipped_solves, r.m.rho,
                        r.m.rho_acc, r.m.tau, r.m.regret, r.m.perf, r.m.proxy_seconds, r.m.condense_seconds,
                        r.m.rho_top, r.m.top5);
  return gather_lines<SummaryRow>(comm, text, 16, [](const std::vector<std::string>& f) {
    return SummaryRow{f[0],
                      parse_hex(f[1]),
                      std::stoll(f[2]),
                      std::stoll(f[3]),
                      std::stoll(f[4]),
                      std::stoll(f[5]),
                      std::stoll(f[6]),
                      {parse_hex(f[7]), parse_hex(f[8]), parse_hex(f[9]), parse_hex(f[10]), parse_hex(f[11]),
                       parse_hex(f[12]), parse_hex(f[13]), parse_hex(f[14]), parse_hex(f[15])}};
  });
}

std::vector<io::ResultRow> gather_rows(dist::Communicator& comm, const std::vector<io::ResultRow>& mine) {
  // One line per row, tab-separated; proxy names never contain tabs or newlines.
  std::string text;
  for (const auto& r : mine)
    text += fmt::format("{}\t{}\t{}\t{:a}\t{:a}\t{:a}\t{:a}\n", r.candidate, r.proxy, r.seed, r.score, r.val_loss,
                        r.test_score, r.seconds);
  return gather_lines<io::ResultRow>(comm, text, 7, [](const std::vector<std::string>& f) {
    return io::ResultRow{std::stoll(f[0]), f[1], std::stoll(f[2]), parse_hex(f[3]), parse_hex(f[4]), parse_hex(f[5]),
                         parse_hex(f[6])};
  });
}

}  // namespace hcdc::run
