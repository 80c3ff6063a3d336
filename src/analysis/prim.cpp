#include "analysis/prim.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace stancesim {
namespace {

using Size = std::size_t;

void require(bool ok, const std::string& message) {
  if (!ok) throw InputError("prim: " + message);
}

struct Data {
  const std::vector<double>& x;
  const std::vector<char>& y;
  Size dims, rows, cases;
  std::vector<double> min, max;  // the data's range per dimension
  double at(Size row, Size dim) const { return x[row * dims + dim]; }
};

// A box's limits and the rows inside it.
struct State {
  std::vector<double> low, high;
  std::vector<Size> members;
  Size cases = 0;
};

// A change of one limit, with the size and case count of the box it leads to.
struct Move {
  Size dim = 0;
  bool upper = false;
  double limit = 0;
  Size points = 0, cases = 0;
};

// a has a strictly higher density than b; ties go to the larger box (exact integer comparisons).
bool better(const Move& a, const Move& b) {
  const auto lhs = static_cast<std::uint64_t>(a.cases) * b.points;
  const auto rhs = static_cast<std::uint64_t>(b.cases) * a.points;
  return lhs != rhs ? lhs > rhs : a.points > b.points;
}

Box describe(const Data& data, const State& s) {
  Box box;
  box.low = s.low;
  box.high = s.high;
  box.coverage = static_cast<double>(s.cases) / static_cast<double>(data.cases);
  box.density = s.members.empty()
                    ? 0.0
                    : static_cast<double>(s.cases) / static_cast<double>(s.members.size());
  box.mass = static_cast<double>(s.members.size()) / static_cast<double>(data.rows);
  for (Size j = 0; j < data.dims; ++j) {
    if (s.low[j] > data.min[j] || s.high[j] < data.max[j])
      box.restricted.push_back(static_cast<int>(j));
  }
  box.n_restricted = static_cast<int>(box.restricted.size());
  return box;
}

void apply(const Data& data, State& s, const Move& move) {
  (move.upper ? s.high : s.low)[move.dim] = move.limit;
  std::vector<Size> members;
  members.reserve(move.points);
  s.cases = 0;
  for (Size row = 0; row < data.rows; ++row) {
    bool inside = true;
    for (Size j = 0; j < data.dims && inside; ++j) {
      inside = data.at(row, j) >= s.low[j] && data.at(row, j) <= s.high[j];
    }
    if (!inside) continue;
    members.push_back(row);
    s.cases += data.y[row] ? 1 : 0;
  }
  s.members = std::move(members);
}

// The two peels of dimension j (lower, upper) that exist, appended to `moves`.
void peels(const Data& data, const State& s, Size j, double alpha, std::vector<Move>& moves) {
  std::vector<std::pair<double, bool>> sorted;  // (value, case)
  sorted.reserve(s.members.size());
  for (Size row : s.members) sorted.emplace_back(data.at(row, j), data.y[row] != 0);
  std::sort(sorted.begin(), sorted.end());
  const Size m = sorted.size();
  const auto depth = static_cast<Size>(std::floor(static_cast<double>(m - 1) * alpha));
  const auto by_value = [](const std::pair<double, bool>& a, double v) { return a.first < v; };
  const auto value_below = [](double v, const std::pair<double, bool>& a) { return v < a.first; };
  // Lower: drop everything <= the value at position `depth` (whole tie group).
  const double v_low = sorted[depth].first;
  const auto keep_from = static_cast<Size>(
      std::upper_bound(sorted.begin(), sorted.end(), v_low, value_below) - sorted.begin());
  // Upper: drop everything >= the value at position m - 1 - depth.
  const double v_high = sorted[m - 1 - depth].first;
  const auto keep_to = static_cast<Size>(
      std::lower_bound(sorted.begin(), sorted.end(), v_high, by_value) - sorted.begin());
  Size cases_below = 0, cases_kept_low = 0;
  for (Size i = 0; i < m; ++i) {
    if (i < keep_to) cases_below += sorted[i].second ? 1 : 0;
    if (i >= keep_from) cases_kept_low += sorted[i].second ? 1 : 0;
  }
  if (keep_from < m) {
    moves.push_back(
        {j, false, (v_low + sorted[keep_from].first) / 2, m - keep_from, cases_kept_low});
  }
  if (keep_to > 0) {
    moves.push_back({j, true, (sorted[keep_to - 1].first + v_high) / 2, keep_to, cases_below});
  }
}

// The widening of each limit that exists, appended to `moves`.
void pastes(const Data& data, const State& s, double alpha, std::vector<Move>& moves) {
  // Rows outside the box in exactly one dimension, by (dimension, side).
  std::vector<std::vector<std::pair<double, bool>>> outside(2 * data.dims);
  for (Size row = 0; row < data.rows; ++row) {
    Size violations = 0, slot = 0;
    for (Size j = 0; j < data.dims && violations < 2; ++j) {
      const double v = data.at(row, j);
      if (v < s.low[j]) slot = 2 * j, ++violations;
      if (v > s.high[j]) slot = 2 * j + 1, ++violations;
    }
    if (violations == 1) outside[slot].emplace_back(data.at(row, slot / 2), data.y[row] != 0);
  }
  const Size m = s.members.size();
  const auto step = std::max<Size>(1, static_cast<Size>(std::ceil(alpha * static_cast<double>(m))));
  for (Size slot = 0; slot < outside.size(); ++slot) {
    auto& near = outside[slot];
    if (near.empty()) continue;
    const Size j = slot / 2;
    const bool upper = slot % 2 == 1;
    // Nearest the limit first.
    std::sort(near.begin(), near.end(), [upper](const auto& a, const auto& b) {
      return upper ? a.first < b.first : a.first > b.first;
    });
    Size take = std::min(step, near.size());
    while (take < near.size() && near[take].first == near[take - 1].first) ++take;
    Size cases = s.cases;
    for (Size i = 0; i < take; ++i) cases += near[i].second ? 1 : 0;
    const double last = near[take - 1].first;
    const double limit = take < near.size() ? (last + near[take].first) / 2
                         : upper            ? data.max[j]
                                            : data.min[j];
    moves.push_back({j, upper, limit, m + take, cases});
  }
}

Data check(const std::vector<double>& x, int dims, const std::vector<char>& y,
           const PrimOptions& o) {
  require(dims >= 1, "dims must be at least 1, got " + std::to_string(dims));
  require(!y.empty(), "there are no rows");
  const auto d = static_cast<Size>(dims);
  require(x.size() / d == y.size() && x.size() % d == 0,
          "x holds " + std::to_string(x.size()) + " values, expected rows x dims = " +
              std::to_string(y.size()) + " x " + std::to_string(dims));
  require(std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); }),
          "inputs x must be finite");
  require(std::all_of(y.begin(), y.end(), [](char c) { return c == 0 || c == 1; }),
          "outputs y must be 0 or 1");
  require(o.peel_alpha > 0 && o.peel_alpha <= 0.5, "peel_alpha must lie in (0, 0.5]");
  require(o.paste_alpha > 0 && o.paste_alpha <= 1, "paste_alpha must lie in (0, 1]");
  require(o.mass_min > 0 && o.mass_min <= 1, "mass_min must lie in (0, 1]");
  require(o.threshold >= 0 && o.threshold <= 1, "threshold must lie in [0, 1]");
  const auto cases = static_cast<Size>(std::count(y.begin(), y.end(), char{1}));
  require(cases > 0, "there are no cases of interest (y = 1)");
  Data data{x, y, d, y.size(), cases, std::vector<double>(d), std::vector<double>(d)};
  for (Size j = 0; j < d; ++j) {
    data.min[j] = data.max[j] = data.at(0, j);
    for (Size row = 1; row < data.rows; ++row) {
      data.min[j] = std::min(data.min[j], data.at(row, j));
      data.max[j] = std::max(data.max[j], data.at(row, j));
    }
  }
  return data;
}

int choose(const std::vector<Box>& trajectory, double threshold) {
  int chosen = -1;
  for (int i = 0; i < static_cast<int>(trajectory.size()); ++i) {
    const Box& b = trajectory[static_cast<Size>(i)];
    if (b.density >= threshold &&
        (chosen < 0 || b.coverage > trajectory[static_cast<Size>(chosen)].coverage)) {
      chosen = i;
    }
  }
  if (chosen >= 0) return chosen;
  chosen = 0;
  for (int i = 1; i < static_cast<int>(trajectory.size()); ++i) {
    if (trajectory[static_cast<Size>(i)].density > trajectory[static_cast<Size>(chosen)].density) {
      chosen = i;
    }
  }
  return chosen;
}

}  // namespace

PrimResult prim(const std::vector<double>& x, int dims, const std::vector<char>& y,
                const PrimOptions& options) {
  const Data data = check(x, dims, y, options);
  State state{data.min, data.max, {}, 0};
  apply(data, state, {0, false, data.min[0], data.rows, data.cases});

  PrimResult result;
  std::vector<State> states{state};
  result.trajectory.push_back(describe(data, state));
  const double min_points = options.mass_min * static_cast<double>(data.rows);
  std::vector<Move> moves;
  for (;;) {
    moves.clear();
    for (Size j = 0; j < data.dims; ++j) peels(data, state, j, options.peel_alpha, moves);
    const Move* best = nullptr;
    for (const Move& m : moves) {
      if (static_cast<double>(m.points) >= min_points && (!best || better(m, *best))) best = &m;
    }
    if (!best) break;
    apply(data, state, *best);
    states.push_back(state);
    result.trajectory.push_back(describe(data, state));
  }

  result.chosen = choose(result.trajectory, options.threshold);
  state = states[static_cast<Size>(result.chosen)];
  for (;;) {
    moves.clear();
    pastes(data, state, options.paste_alpha, moves);
    const Move* best = nullptr;
    for (const Move& m : moves) {
      if (!best || better(m, *best)) best = &m;
    }
    const Move current{0, false, 0, state.members.size(), state.cases};
    if (!best || better(current, *best)) break;  // every widening lowers the density
    apply(data, state, *best);
  }
  result.chosen_box = describe(data, state);
  return result;
}

}  // namespace stancesim
