#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <set>

#include "analysis/sensitivity.hpp"
#include "core/error.hpp"

using namespace stancesim;

namespace {

using Model = std::function<double(const std::vector<double>&)>;

// The model on every design row, each column scaled from [0, 1] to [low, high].
std::vector<double> evaluate(const Design& d, double low, double high, const Model& f) {
  std::vector<double> y, point(static_cast<std::size_t>(d.dims));
  for (int r = 0; r < d.rows(); ++r) {
    for (int j = 0; j < d.dims; ++j) {
      point[static_cast<std::size_t>(j)] = low + (high - low) * d.at(r, j);
    }
    y.push_back(f(point));
  }
  return y;
}

double linear(const std::vector<double>& c, const std::vector<double>& x) {
  double s = 0;
  for (std::size_t j = 0; j < c.size(); ++j) s += c[j] * x[j];
  return s;
}

bool contains(const Interval& i, double v) {
  return i.low <= v && v <= i.high;
}

}  // namespace

TEST_CASE("sobol indices of the Ishigami function match the analytic values") {
  constexpr double a = 7, b = 0.1, pi = std::numbers::pi;
  const auto ishigami = [&](const std::vector<double>& x) {
    return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) +
           b * std::pow(x[2], 4) * std::sin(x[0]);
  };
  // Ishigami & Homma (1990); Saltelli et al. (2008), Global Sensitivity Analysis, 4.8.
  const double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2), v2 = a * a / 8,
               v13 = b * b * std::pow(pi, 8) * 8 / 225, v = v1 + v2 + v13;
  const std::vector<double> s1 = {v1 / v, v2 / v, 0}, st = {(v1 + v13) / v, v2 / v, v13 / v};
  CHECK(s1[0] == doctest::Approx(0.3139).epsilon(1e-3));
  CHECK(st[2] == doctest::Approx(0.2437).epsilon(1e-3));

  const int k = 3, n = 1 << 13;
  const Design d = saltelli_design(k, n);
  const auto y = evaluate(d, -pi, pi, ishigami);
  const SobolIndices si = sobol_indices(y, k, n, 500, 0.95, 1);
  CHECK(si.variance == doctest::Approx(v).epsilon(0.02));
  for (std::size_t j = 0; j < 3; ++j) {
    CAPTURE(j);
    INFO("S1 = " << si.first[j].estimate << " [" << si.first[j].low << ", " << si.first[j].high
                 << "], ST = " << si.total[j].estimate << " [" << si.total[j].low << ", "
                 << si.total[j].high << "]");
    CHECK(contains(si.first[j], s1[j]));
    CHECK(contains(si.total[j], st[j]));
    CHECK(std::abs(si.first[j].estimate - s1[j]) < 0.03);
    CHECK(std::abs(si.total[j].estimate - st[j]) < 0.03);
    // The intervals are the justification for the tolerance: none is wider than 0.1.
    CHECK(si.first[j].high - si.first[j].low < 0.1);
    CHECK(si.total[j].high - si.total[j].low < 0.1);
  }
  // Same seed, same intervals.
  const SobolIndices again = sobol_indices(y, k, n, 500, 0.95, 1);
  CHECK(again.first[1].low == si.first[1].low);
  CHECK(again.total[2].high == si.total[2].high);
}

TEST_CASE("sobol indices of a linear model are c_j^2 / sum c^2") {
  const std::vector<double> c = {1, 2, -3, 0.5};
  double sum_sq = 0;
  for (double v : c) sum_sq += v * v;
  const int k = 4, n = 1 << 12;
  const auto y = evaluate(saltelli_design(k, n), 0, 1,
                          [&](const std::vector<double>& x) { return linear(c, x); });
  const SobolIndices si = sobol_indices(y, k, n, 200, 0.95, 3);
  CHECK(si.variance == doctest::Approx(sum_sq / 12).epsilon(0.01));
  for (std::size_t j = 0; j < c.size(); ++j) {
    CAPTURE(j);
    const double exact = c[j] * c[j] / sum_sq;
    CHECK(std::abs(si.first[j].estimate - exact) < 0.01);
    CHECK(std::abs(si.total[j].estimate - exact) < 0.01);
    CHECK(contains(si.first[j], exact));
    CHECK(contains(si.total[j], exact));
  }
}

TEST_CASE("saltelli design: n (k + 2) rows, AB^(j) takes column j from B, Sobol' points skipped") {
  const int k = 3, n = 8;
  const Design d = saltelli_design(k, n);
  REQUIRE(d.dims == k);
  REQUIRE(d.rows() == n * (k + 2));
  for (int i = 0; i < n; ++i) {
    const int a = i * (k + 2), bb = a + k + 1;
    for (int j = 0; j < k; ++j) {
      const int ab = a + 1 + j;
      for (int c = 0; c < k; ++c) CHECK(d.at(ab, c) == d.at(c == j ? bb : a, c));
    }
  }
  // skip = 8: base row 0 is point 8 of the (Gray-code ordered) Sobol' sequence, whose first
  // coordinate is 3/16 (points 0 .. 8: 0, 1/2, 3/4, 1/4, 3/8, 7/8, 5/8, 1/8, 3/16).
  CHECK(d.at(0, 0) == 0.1875);
  // n = 5 also skips 8 points, so its rows are the first rows of n = 8's design.
  const Design d5 = saltelli_design(k, 5);
  REQUIRE(d5.rows() == 25);
  for (int r = 0; r < d5.rows(); ++r) {
    for (int c = 0; c < k; ++c) CHECK(d5.at(r, c) == d.at(r, c));
  }
  for (double v : d.x) CHECK((v >= 0 && v < 1));
}

TEST_CASE("morris design: trajectories on the grid move one factor at a time by delta") {
  const int k = 4, r = 10, p = 4;
  const Design d = morris_design(k, r, p, 9);
  REQUIRE(d.dims == k);
  REQUIRE(d.rows() == r * (k + 1));
  const double delta = p / (2.0 * (p - 1));
  for (double v : d.x) {
    CHECK((v >= 0 && v <= 1));
    CHECK(std::abs(v * (p - 1) - std::round(v * (p - 1))) < 1e-12);
  }
  bool saw_up = false, saw_down = false;
  for (int t = 0; t < r; ++t) {
    std::set<int> moved;
    for (int s = 1; s <= k; ++s) {
      const int row = t * (k + 1) + s;
      int changes = 0;
      for (int j = 0; j < k; ++j) {
        const double dx = d.at(row, j) - d.at(row - 1, j);
        if (dx == 0) continue;
        ++changes;
        moved.insert(j);
        CHECK(std::abs(std::abs(dx) - delta) < 1e-12);
        (dx > 0 ? saw_up : saw_down) = true;
      }
      CHECK(changes == 1);
    }
    CHECK(moved.size() == static_cast<std::size_t>(k));
  }
  CHECK(saw_up);
  CHECK(saw_down);
  CHECK(morris_design(k, r, p, 9).x == d.x);
  CHECK(morris_design(k, r, p, 10).x != d.x);
}

TEST_CASE("morris indices of a linear model: mu* = |c_j|, sigma = 0") {
  const std::vector<double> c = {1, -2, 0.5, 0};
  const Design d = morris_design(4, 20, 4, 5);
  const auto y = evaluate(d, 0, 1, [&](const std::vector<double>& x) { return linear(c, x); });
  const MorrisIndices m = morris_indices(d, y, 4, 200, 0.95, 5);
  for (std::size_t j = 0; j < c.size(); ++j) {
    CAPTURE(j);
    CHECK(m.mu_star[j].estimate == doctest::Approx(std::abs(c[j])).epsilon(1e-12));
    CHECK(m.mu_star[j].low == doctest::Approx(std::abs(c[j])).epsilon(1e-12));
    CHECK(m.mu_star[j].high == doctest::Approx(std::abs(c[j])).epsilon(1e-12));
    CHECK(m.mu[j].estimate == doctest::Approx(c[j]).epsilon(1e-12));
    CHECK(m.sigma[j].estimate < 1e-12);
  }
}

TEST_CASE("morris indices: an interaction x0 x1 gives sigma > 0 to x0 and x1 only") {
  const Design d = morris_design(3, 30, 6, 11);
  const auto y =
      evaluate(d, 0, 1, [](const std::vector<double>& x) { return 4 * x[0] * x[1] + 2 * x[2]; });
  const MorrisIndices m = morris_indices(d, y, 6, 300, 0.9, 2);
  CHECK(m.sigma[0].estimate > 0.5);
  CHECK(m.sigma[1].estimate > 0.5);
  CHECK(m.sigma[2].estimate < 1e-12);
  CHECK(m.mu_star[2].estimate == doctest::Approx(2));
  // EE of x0 is 4 x1 with x1 in [0, 1]: mu* between 0 and 4, its interval around it.
  for (std::size_t j = 0; j < 2; ++j) {
    CHECK(m.mu_star[j].low <= m.mu_star[j].estimate);
    CHECK(m.mu_star[j].estimate <= m.mu_star[j].high);
    CHECK(m.mu_star[j].high < 4);
    CHECK(m.mu_star[j].low > 0);
  }
}

TEST_CASE("latin hypercube design: one point per stratum per column, deterministic for a seed") {
  const int k = 3, n = 50;
  const Design d = latin_hypercube_design(k, n, 4);
  REQUIRE(d.rows() == n);
  for (int j = 0; j < k; ++j) {
    std::vector<int> count(n, 0);
    for (int r = 0; r < n; ++r) {
      const double v = d.at(r, j);
      for (int s = 0; s < n; ++s) {
        if (v >= static_cast<double>(s) / n && v < static_cast<double>(s + 1) / n) ++count[s];
      }
    }
    for (int s = 0; s < n; ++s) CHECK(count[static_cast<std::size_t>(s)] == 1);
  }
  CHECK(latin_hypercube_design(k, n, 4).x == d.x);
  CHECK(latin_hypercube_design(k, n, 5).x != d.x);
  CHECK(latin_hypercube_design(1, 1, 4).rows() == 1);
}

TEST_CASE("grid design: every combination, last dimension fastest, one level at 0.5") {
  const Design d = grid_design({2, 3, 1});
  REQUIRE(d.dims == 3);
  REQUIRE(d.rows() == 6);
  const std::vector<double> expected = {0, 0, 0.5, 0, 0.5, 0.5, 0, 1, 0.5,
                                        1, 0, 0.5, 1, 0.5, 0.5, 1, 1, 0.5};
  CHECK(d.x == expected);
}

TEST_CASE("sensitivity designs and estimators reject bad arguments") {
  CHECK_THROWS_AS(saltelli_design(0, 8), InputError);
  CHECK_THROWS_AS(saltelli_design(2000, 8), InputError);
  CHECK_THROWS_AS(saltelli_design(3, 1), InputError);
  CHECK_THROWS_AS(saltelli_design(100, 1 << 30), InputError);
  const std::vector<double> y(8 * 5, 1.0);
  CHECK_THROWS_AS(sobol_indices(y, 3, 8, 100, 0.95, 1), InputError);  // constant
  std::vector<double> varied(8 * 5);
  for (std::size_t i = 0; i < varied.size(); ++i) varied[i] = static_cast<double>(i % 7);
  CHECK_NOTHROW(sobol_indices(varied, 3, 8, 100, 0.95, 1));
  CHECK_THROWS_AS(sobol_indices(varied, 3, 7, 100, 0.95, 1), InputError);  // wrong size
  CHECK_THROWS_AS(sobol_indices(varied, 3, 8, 1, 0.95, 1), InputError);
  CHECK_THROWS_AS(sobol_indices(varied, 3, 8, 100, 1.0, 1), InputError);
  varied[3] = std::nan("");
  CHECK_THROWS_AS(sobol_indices(varied, 3, 8, 100, 0.95, 1), InputError);

  CHECK_THROWS_AS(morris_design(0, 10, 4, 1), InputError);
  CHECK_THROWS_AS(morris_design(3, 1, 4, 1), InputError);
  CHECK_THROWS_AS(morris_design(3, 10, 5, 1), InputError);  // odd levels
  CHECK_THROWS_AS(morris_design(3, 10, 0, 1), InputError);
  Design d = morris_design(2, 4, 4, 1);
  std::vector<double> my(static_cast<std::size_t>(d.rows()), 0.0);
  CHECK_NOTHROW(morris_indices(d, my, 4, 10, 0.95, 1));
  CHECK_THROWS_AS(morris_indices(d, my, 6, 10, 0.95, 1), InputError);  // other delta
  CHECK_THROWS_AS(morris_indices(d, {1.0, 2.0}, 4, 10, 0.95, 1), InputError);
  d.x[1] = d.x[1] > 0.5 ? 0.0 : 1.0;  // row 0 changes: two factors now move at once or none
  CHECK_THROWS_AS(morris_indices(d, my, 4, 10, 0.95, 1), InputError);

  CHECK_THROWS_AS(latin_hypercube_design(0, 10, 1), InputError);
  CHECK_THROWS_AS(latin_hypercube_design(2, 0, 1), InputError);
  CHECK_THROWS_AS(grid_design({}), InputError);
  CHECK_THROWS_AS(grid_design({3, 0}), InputError);
  CHECK_THROWS_AS(grid_design(std::vector<int>(10, 100)), InputError);
}
