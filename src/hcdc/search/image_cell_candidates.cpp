// Image architectures as search candidates: the `cell` space (NAS-Bench-201-like cells sampled
// with a seed) and the `image-cell` family that trains them (models/supernet.hpp with linear
// weighting: a candidate is a one-hot α over the cell's operations on every edge, so HCDC's
// trajectories can move α off the corners and hypergradients reach it, GDAS-style).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "hcdc/core/error.hpp"
#include "hcdc/models/supernet.hpp"
#include "hcdc/search/candidate_family.hpp"
#include "hcdc/search/search_space.hpp"

namespace hcdc::search {
namespace {

constexpr int kMaxCellNodes = 6;
// The head reads the cell output pooled to 2×2: one stride-1 cell with global average pooling
// reaches ≈ 60 % on Fashion-MNIST, far from what the architectures can tell apart.
constexpr int kHeadGrid = 2;

void parse_cell(config::StrictTable& t, SearchSpaceSpec& s) {
  s.num_candidates = static_cast<int>(t.get<std::int64_t>("num_candidates", 60));
  s.seed = static_cast<std::uint64_t>(t.get<std::int64_t>("seed", 0));
  s.cell_nodes = static_cast<int>(t.get<std::int64_t>("cell_nodes", s.cell_nodes));
  s.cell_ops = t.get<std::vector<std::string>>("cell_ops", s.cell_ops);
  s.widths = t.get<std::vector<double>>("widths", {8, 16});
  s.image_channels = t.get<std::int64_t>("image_channels", s.image_channels);
  if (s.num_candidates < 2) t.fail("num_candidates", "must be >= 2 (a ranking needs two candidates)");
  if (s.cell_nodes < 2 || s.cell_nodes > kMaxCellNodes)
    t.fail("cell_nodes", fmt::format("must be in [2, {}] (states of the cell; edges i → j for i < j)", kMaxCellNodes));
  if (s.image_channels < 1) t.fail("image_channels", "must be >= 1");
  if (s.cell_ops.size() < 2) t.fail("cell_ops", "needs at least two operations");
  std::set<std::string> seen;
  bool computes = false;
  for (std::size_t i = 0; i < s.cell_ops.size(); ++i) {
    const auto op = models::parse_cell_op(s.cell_ops[i], t.file(), fmt::format("search.cell_ops[{}]", i));
    if (!seen.insert(s.cell_ops[i]).second) t.fail(fmt::format("cell_ops[{}]", i), "names an operation twice");
    computes = computes || op != models::CellOp::kZero;
  }
  if (!computes) t.fail("cell_ops", "needs an operation other than zero");
  if (s.widths.empty()) t.fail("widths", "needs at least one width");
  for (double w : s.widths)
    if (!(w >= 1 && w <= 1024) || w != std::floor(w)) t.fail("widths", "widths must be integers in [1, 1024]");
}

// Whether some path of non-zero operations joins the cell's input (state 0) to its output (the
// last state): a cell without one outputs a constant, which ranks trivially.
bool connected(const std::vector<std::size_t>& ops, const std::vector<std::string>& names, int nodes) {
  std::vector<char> reach(static_cast<std::size_t>(nodes), 0);
  reach[0] = 1;
  std::size_t edge = 0;
  for (int j = 1; j < nodes; ++j)
    for (int i = 0; i < j; ++i, ++edge)
      if (reach[static_cast<std::size_t>(i)] && names[ops[edge]] != "zero") reach[static_cast<std::size_t>(j)] = 1;
  return reach.back() != 0;
}

// One point of the cell space: an operation (index into cell_ops) per edge, a width index.
struct CellArch {
  std::vector<std::size_t> ops;
  std::size_t width = 0;
};

std::size_t edges_of(const SearchSpaceSpec& s) { return static_cast<std::size_t>(s.cell_nodes * (s.cell_nodes - 1) / 2); }

// A connected architecture drawn uniformly (by rejection: most draws of ≥ 3 ops are connected).
CellArch random_arch(const SearchSpaceSpec& s, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> pick_op(0, s.cell_ops.size() - 1), pick_width(0, s.widths.size() - 1);
  for (;;) {
    CellArch a;
    a.ops.resize(edges_of(s));
    for (auto& o : a.ops) o = pick_op(rng);
    a.width = pick_width(rng);
    if (connected(a.ops, s.cell_ops, s.cell_nodes)) return a;
  }
}

// `prefix` tells the generated candidates apart ("c007-"); the rest names the architecture.
Candidate candidate_of(const SearchSpaceSpec& s, const CellArch& a, const std::string& prefix) {
  const std::size_t num_ops = s.cell_ops.size();
  Candidate c;
  std::vector<std::string> chosen;
  c.lambda.assign(a.ops.size() * num_ops, 0.0);
  for (std::size_t e = 0; e < a.ops.size(); ++e) {
    c.lambda[e * num_ops + a.ops[e]] = 1.0;
    chosen.push_back(s.cell_ops[a.ops[e]]);
  }
  c.hidden = static_cast<std::int64_t>(s.widths[a.width]);
  c.layers = 1;  // one cell
  c.convs = s.cell_ops;
  c.in_channels = s.image_channels;
  c.name = fmt::format("{}w{}:{}", prefix, c.hidden, fmt::join(chosen, "|"));
  return c;
}

// The architecture of a candidate of this space (its one-hot λ and its width).
CellArch arch_of(const SearchSpaceSpec& s, const Candidate& c) {
  const std::size_t num_ops = s.cell_ops.size();
  if (c.convs != s.cell_ops || c.lambda.size() != edges_of(s) * num_ops)
    throw std::logic_error("cell space: candidate " + c.name + " is not a cell of this space");
  CellArch a;
  for (std::size_t e = 0; e < edges_of(s); ++e) {
    auto first = c.lambda.begin() + static_cast<std::ptrdiff_t>(e * num_ops);
    a.ops.push_back(static_cast<std::size_t>(std::max_element(first, first + static_cast<std::ptrdiff_t>(num_ops)) - first));
  }
  auto w = std::find(s.widths.begin(), s.widths.end(), static_cast<double>(c.hidden));
  if (w == s.widths.end()) throw std::logic_error("cell space: candidate " + c.name + " has a width outside the space");
  a.width = static_cast<std::size_t>(w - s.widths.begin());
  return a;
}

// A neighbour: one edge's operation, or the width, changed to another value (uniformly over those
// coordinates and values), redrawn until the cell stays connected — regularised evolution's
// mutation (Real et al. 2019: one op or one input changed).
Candidate mutate_cell(const SearchSpaceSpec& s, const Candidate& parent, std::mt19937_64& rng) {
  const CellArch from = arch_of(s, parent);
  const std::size_t coords = from.ops.size() + (s.widths.size() > 1 ? 1 : 0);
  std::uniform_int_distribution<std::size_t> pick_coord(0, coords - 1);
  for (;;) {
    CellArch a = from;
    const std::size_t k = pick_coord(rng);
    const std::size_t values = k < a.ops.size() ? s.cell_ops.size() : s.widths.size();
    std::uniform_int_distribution<std::size_t> shift(1, values - 1);  // never the value it has
    std::size_t& v = k < a.ops.size() ? a.ops[k] : a.width;
    v = (v + shift(rng)) % values;
    if (connected(a.ops, s.cell_ops, s.cell_nodes)) return candidate_of(s, a, "");
  }
}

Candidate sample_cell(const SearchSpaceSpec& s, std::mt19937_64& rng) { return candidate_of(s, random_arch(s, rng), ""); }

std::vector<Candidate> cell(const SearchSpaceSpec& s) {
  const std::size_t edges = edges_of(s);
  const std::size_t num_ops = s.cell_ops.size();
  // Distinct connected architectures: the space holds |ops|^edges · |widths| points, of which a
  // job asks for a few dozen, so rejection ends quickly; a tiny space is refused rather than looped on.
  const double space = std::pow(static_cast<double>(num_ops), static_cast<double>(edges)) * static_cast<double>(s.widths.size());
  if (space < 2.0 * s.num_candidates)
    throw SettingError("search.num_candidates",
                       fmt::format("{} candidates from a space of {} cells: sample at most half of it", s.num_candidates,
                                   space));
  std::mt19937_64 rng(s.seed);
  std::set<std::pair<std::vector<std::size_t>, std::size_t>> taken;
  std::vector<Candidate> out;
  while (out.size() < static_cast<std::size_t>(s.num_candidates)) {
    CellArch a = random_arch(s, rng);
    if (!taken.insert({a.ops, a.width}).second) continue;
    out.push_back(candidate_of(s, a, fmt::format("c{:03d}-", out.size())));
  }
  return out;
}

// The cell's node count from its edge count n(n-1)/2.
int cell_nodes_of(std::size_t edges) {
  int n = 2;
  while (static_cast<std::size_t>(n * (n - 1) / 2) < edges) ++n;
  if (static_cast<std::size_t>(n * (n - 1) / 2) != edges)
    throw std::logic_error(fmt::format("image-cell: {} edges is not a cell's edge count", edges));
  return n;
}

std::shared_ptr<models::ModelFamily> make_cell(const Candidate& c, std::int64_t /*features: images use in_channels*/,
                                               std::int64_t classes) {
  if (c.convs.empty() || c.lambda.size() % c.convs.size() != 0 || c.in_channels < 1)
    throw std::logic_error("image-cell: candidate " + c.name + " carries no cell (convs, λ, in_channels)");
  models::SupernetConfig cfg;
  cfg.in_channels = c.in_channels;
  cfg.channels = c.hidden;
  cfg.nodes = cell_nodes_of(c.lambda.size() / c.convs.size());
  cfg.ops.clear();
  for (std::size_t i = 0; i < c.convs.size(); ++i)
    cfg.ops.push_back(models::parse_cell_op(c.convs[i], "candidate " + c.name, fmt::format("convs[{}]", i)));
  cfg.weighting = "linear";  // a one-hot α is then exactly the discrete cell
  cfg.head_grid = kHeadGrid;
  return std::make_shared<models::Supernet>(classes, cfg);
}

CandidateFamily image_cell_family() {
  CandidateFamily f;
  f.help = "image cells: a stem convolution, one cell mixing its operations by α on every edge (one-hot: a discrete "
           "NAS-Bench-201-like cell), average pooling to 2×2, a linear head";
  f.carries = "images (channels × height × width)";
  // A condensed image is the task's own C×H×W sample (run/condensed_output.hpp checks it), which
  // the (blocks, features) of a graph task cannot describe.
  f.sample_shape = [](std::int64_t, std::int64_t) -> std::vector<std::int64_t> {
    throw std::logic_error("image-cell: condensed images have the image task's own shape");
  };
  f.make = make_cell;
  f.images = true;
  return f;
}

}  // namespace

HCDC_REGISTER(search_spaces(), "cell", 30,
              SearchSpaceKind{"image cells: num_candidates distinct connected cells of cell_nodes states, one of cell_ops "
                              "per edge, a width from widths, sampled with seed (family image-cell)",
                              parse_cell, cell, sample_cell, mutate_cell});
HCDC_REGISTER(candidate_families(), "image-cell", 30, image_cell_family());

}  // namespace hcdc::search
