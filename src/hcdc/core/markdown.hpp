#pragma once
// Markdown that hcdc writes (tables in summary.md, nas.md, the job reference).
#include <string>

namespace hcdc {

// Text for one table cell: '|' escaped, so names like a cell's "conv3x3|zero|…" stay in one cell.
std::string markdown_cell(const std::string& s);

}  // namespace hcdc
