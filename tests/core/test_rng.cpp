#include <doctest/doctest.h>

#include <cmath>

#include "core/rng.hpp"

using namespace stancesim;

TEST_CASE("counter RNG draws are pure functions of seed, run, stream, step and index") {
  const CounterRng a(42, 3), b(42, 3), other_run(42, 4), other_seed(43, 3);
  const auto s = stream_id("noise/x");
  CHECK(a.uniform(s, 5, 0) == b.uniform(s, 5, 0));
  CHECK(a.uniform(s, 5, 0) != other_run.uniform(s, 5, 0));
  CHECK(a.uniform(s, 5, 0) != other_seed.uniform(s, 5, 0));
  CHECK(a.uniform(s, 5, 0) != a.uniform(s, 6, 0));
  CHECK(a.uniform(s, 5, 0) != a.uniform(stream_id("noise/y"), 5, 0));
  // Drawing from one stream does not move another: there is no state to move.
  const double before = a.uniform(s, 1, 0);
  for (int i = 0; i < 100; ++i)
    (void)a.uniform(stream_id("choice/china"), 1, static_cast<std::uint64_t>(i));
  CHECK(a.uniform(s, 1, 0) == before);
}

TEST_CASE("uniform draws lie between 0 and 1 and normal draws have mean 0 and variance 1") {
  const CounterRng rng(1, 0);
  const auto s = stream_id("test");
  double sum = 0, sum_sq = 0, lo = 1, hi = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform(s, 0, static_cast<std::uint64_t>(i));
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    const double z = rng.normal(s, 1, static_cast<std::uint64_t>(i));
    sum += z;
    sum_sq += z * z;
  }
  CHECK(lo >= 0.0);
  CHECK(hi < 1.0);
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::abs(sum_sq / n - 1.0) < 0.02);
}
