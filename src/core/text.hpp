// Small text helpers for messages.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stancesim {

// Levenshtein distance, for "did you mean" hints on misspelt names.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The candidate nearest to `name` by edit distance (the first of equals), and that distance; a
// "did you mean" is worth giving when the distance is small.
inline std::pair<std::string, std::size_t> closest(std::string_view name,
                                                   const std::vector<std::string>& candidates) {
  std::pair<std::string, std::size_t> best{"", static_cast<std::size_t>(-1)};
  for (const auto& c : candidates)
    if (const std::size_t d = edit_distance(c, name); d < best.second) best = {c, d};
  return best;
}

// What to tell a user who wrote an unknown `name`: " (did you mean 'X'?)" when a candidate is
// near it, else " (expected one of: a, b, ...)", or, when there are more than 12, where to find
// them (`hint`, e.g. "stancesim list variables").
inline std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates,
                                const std::string& hint) {
  const auto [best, distance] = closest(name, candidates);
  if (!candidates.empty() && distance <= std::max<std::size_t>(2, name.size() / 4))
    return " (did you mean '" + best + "'?)";
  if (candidates.empty() || candidates.size() > 12)
    return hint.empty() ? "" : " (see " + hint + ")";
  std::string list;
  for (const auto& c : candidates) list += (list.empty() ? "" : ", ") + c;
  return " (expected one of: " + list + ")";
}

// Items separated by `separator`: "a;b;c".
inline std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

// A number as a person writes it: 3, 0.25, -1e-06.
inline std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace stancesim
