#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "analysis/prim.hpp"
#include "analysis/sensitivity.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"

using namespace stancesim;

namespace {

struct Sample {
  std::vector<double> x;
  std::vector<char> y;
  int dims = 0;
};

// 2,000 uniform points of [0, 1]^4; y = 1 in x0 in [0.2, 0.6], x1 in [0.5, 1], with 5% of the
// labels flipped.
Sample box_sample() {
  const CounterRng rng(17, 0);
  const int rows = 2000;
  Sample s;
  s.dims = 4;
  for (int r = 0; r < rows; ++r) {
    const auto row = static_cast<std::uint64_t>(r);
    for (int j = 0; j < s.dims; ++j) {
      s.x.push_back(rng.uniform(stream_id("test/x"), row, static_cast<std::uint64_t>(j)));
    }
    const double x0 = s.x[s.x.size() - 4], x1 = s.x[s.x.size() - 3];
    const bool inside = x0 >= 0.2 && x0 <= 0.6 && x1 >= 0.5;
    const bool flip = rng.uniform(stream_id("test/flip"), row, 0) < 0.05;
    s.y.push_back(static_cast<char>(inside != flip ? 1 : 0));
  }
  return s;
}

// Coverage, density and mass of a box counted directly.
Box count(const Sample& s, const Box& b) {
  int in = 0, cases_in = 0, cases = 0;
  for (std::size_t r = 0; r < s.y.size(); ++r) {
    bool inside = true;
    for (std::size_t j = 0; j < static_cast<std::size_t>(s.dims); ++j) {
      const double v = s.x[r * static_cast<std::size_t>(s.dims) + j];
      inside = inside && v >= b.low[j] && v <= b.high[j];
    }
    cases += s.y[r];
    in += inside ? 1 : 0;
    cases_in += inside && s.y[r] ? 1 : 0;
  }
  Box c = b;
  c.coverage = static_cast<double>(cases_in) / cases;
  c.density = in ? static_cast<double>(cases_in) / in : 0.0;
  c.mass = static_cast<double>(in) / static_cast<double>(s.y.size());
  return c;
}

}  // namespace

TEST_CASE("prim finds the box of a synthetic scenario and restricts only its dimensions") {
  const Sample s = box_sample();
  // The flipped labels cap the density near 0.95. The choice takes the highest coverage at or
  // above the threshold, which at 0.8 admits a box reaching 0.1 below x1 = 0.5 (coverage keeps
  // growing with the margin); 0.9 asks for a box close to the truth.
  PrimOptions options;
  options.threshold = 0.9;
  const PrimResult result = prim(s.x, s.dims, s.y, options);
  const Box& b = result.chosen_box;
  INFO("chosen " << result.chosen << " of " << result.trajectory.size() << ": x0 in [" << b.low[0]
                 << ", " << b.high[0] << "], x1 in [" << b.low[1] << ", " << b.high[1]
                 << "], coverage " << b.coverage << ", density " << b.density << ", mass "
                 << b.mass);
  CHECK(b.restricted == std::vector<int>{0, 1});
  CHECK(b.n_restricted == 2);
  CHECK(std::abs(b.low[0] - 0.2) < 0.05);
  CHECK(std::abs(b.high[0] - 0.6) < 0.05);
  CHECK(std::abs(b.low[1] - 0.5) < 0.05);
  CHECK(b.density >= options.threshold);
  CHECK(b.coverage > 0.7);
  const Box direct = count(s, b);
  CHECK(b.coverage == doctest::Approx(direct.coverage));
  CHECK(b.density == doctest::Approx(direct.density));
  CHECK(b.mass == doctest::Approx(direct.mass));
  // Pasting never lowers the density of the chosen box.
  CHECK(b.density >= result.trajectory[static_cast<std::size_t>(result.chosen)].density);
}

TEST_CASE("prim peeling trajectory: coverage and mass never increase, measures match a count") {
  const Sample s = box_sample();
  const PrimOptions options;
  const PrimResult result = prim(s.x, s.dims, s.y, options);
  const auto& t = result.trajectory;
  REQUIRE(t.size() > 10);
  CHECK(t[0].mass == 1.0);
  CHECK(t[0].coverage == 1.0);
  CHECK(t[0].n_restricted == 0);
  for (std::size_t i = 1; i < t.size(); ++i) {
    CAPTURE(i);
    CHECK(t[i].coverage <= t[i - 1].coverage);
    CHECK(t[i].mass < t[i - 1].mass);
    CHECK(t[i].mass >= options.mass_min);
  }
  // The last box cannot be peeled without falling below mass_min: 5% of 2,000 points is 100.
  CHECK(t.back().mass * 2000 < 100 / (1 - options.peel_alpha) + 2);
  for (std::size_t i = 0; i < t.size(); i += 7) {
    const Box direct = count(s, t[i]);
    CHECK(t[i].coverage == doctest::Approx(direct.coverage));
    CHECK(t[i].density == doctest::Approx(direct.density));
    CHECK(t[i].mass == doctest::Approx(direct.mass));
  }
  // Chosen: the highest coverage among boxes at or above the threshold.
  const auto chosen = static_cast<std::size_t>(result.chosen);
  CHECK(t[chosen].density >= options.threshold);
  CHECK(result.chosen_box.density >= options.threshold);
  CHECK(result.chosen_box.restricted == std::vector<int>{0, 1});
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].density >= options.threshold) CHECK(t[i].coverage <= t[chosen].coverage);
  }
}

TEST_CASE("prim on a grid design peels whole levels") {
  // 11 x 11 x 3 grid; the cases are x0 >= 0.7 (a corner of 4 of the 11 levels).
  const Design d = grid_design({11, 11, 3});
  std::vector<char> y;
  for (int r = 0; r < d.rows(); ++r) y.push_back(static_cast<char>(d.at(r, 0) >= 0.7 ? 1 : 0));
  PrimOptions options;
  options.threshold = 1.0;
  const PrimResult result = prim(d.x, d.dims, y, options);
  for (const Box& b : result.trajectory) {
    // Limits lie midway between levels, so no level is ever split: the mass is a whole number
    // of level combinations.
    const Box direct = count({d.x, y, d.dims}, b);
    CHECK(b.mass == doctest::Approx(direct.mass));
    for (std::size_t j = 0; j < 2; ++j) {
      const double low = b.low[j] * 10, high = b.high[j] * 10;
      CHECK((low == doctest::Approx(std::round(low)) ||
             std::abs(low - std::floor(low) - 0.5) < 1e-9));
      CHECK((high == doctest::Approx(std::round(high)) ||
             std::abs(high - std::floor(high) - 0.5) < 1e-9));
    }
  }
  const Box& b = result.chosen_box;
  CHECK(b.density == 1.0);
  CHECK(b.coverage == 1.0);  // the first pure box: x0 peeled to 0.65, nothing else
  CHECK(b.restricted == std::vector<int>{0});
  CHECK(b.low[0] == doctest::Approx(0.65));
}

TEST_CASE("prim rejects bad arguments") {
  const std::vector<double> x = {0, 1, 2, 3};
  const std::vector<char> y = {0, 1, 1, 0};
  const PrimOptions ok;
  CHECK_NOTHROW(prim(x, 1, y, ok));
  CHECK_THROWS_AS(prim(x, 0, y, ok), InputError);
  CHECK_THROWS_AS(prim(x, 3, y, ok), InputError);
  CHECK_THROWS_AS(prim(x, 1, {0, 1, 2, 0}, ok), InputError);
  CHECK_THROWS_AS(prim(x, 1, {0, 0, 0, 0}, ok), InputError);
  CHECK_THROWS_AS(prim({0, 1, std::numeric_limits<double>::quiet_NaN(), 3}, 1, y, ok), InputError);
  CHECK_THROWS_AS(prim({}, 1, {}, ok), InputError);
  PrimOptions bad = ok;
  bad.peel_alpha = 0;
  CHECK_THROWS_AS(prim(x, 1, y, bad), InputError);
  bad = ok;
  bad.paste_alpha = 1.5;
  CHECK_THROWS_AS(prim(x, 1, y, bad), InputError);
  bad = ok;
  bad.mass_min = 0;
  CHECK_THROWS_AS(prim(x, 1, y, bad), InputError);
  bad = ok;
  bad.threshold = 1.1;
  CHECK_THROWS_AS(prim(x, 1, y, bad), InputError);
}
