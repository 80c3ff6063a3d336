#include <doctest/doctest.h>

#include "output/csv.hpp"
#include "output/summary.hpp"
#include "support.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE("fixed-point numbers are correctly rounded to 4 decimals") {
  auto f = [](double v) {
    CsvBuffer b;
    b.fixed4(v);
    return b.str();
  };
  CHECK(f(0) == "0.0000");
  CHECK(f(1.5) == "1.5000");
  CHECK(f(-2.25) == "-2.2500");
  CHECK(f(0.12345) == "0.1235");   // stored as 0.12345000000000000417...
  CHECK(f(-0.00001) == "0.0000");  // no negative zero
  CHECK(f(-0.00004) == "0.0000");
  CHECK(f(123456.78901) == "123456.7890");
  CHECK(f(0.99995) == "1.0000");
  // Rounding the product v * 10^4 a second time went wrong here: 0.00035 is stored as
  // 0.000349999999999999996..., whose product rounds to exactly 3.5.
  CHECK(f(0.00035) == "0.0003");
  CHECK(f(-0.00035) == "-0.0003");
  CHECK(f(0.30015) == "0.3001");  // 0.30014999999999997...
  CHECK(f(1.00005) == "1.0001");  // 1.00005000000000010...
  // Exact ties (multiples of 2^-5 with a fifth decimal of 5) go to the even last digit.
  CHECK(f(0.03125) == "0.0312");
  CHECK(f(0.09375) == "0.0938");
  CHECK(f(-0.03125) == "-0.0312");
}

TEST_CASE("the 4-decimal writer gives std::to_chars' correctly rounded text for every number") {
  // Near-ties of every kind, across magnitudes, and plain values: the integer path and the
  // library must agree character for character (apart from the library's -0.0000).
  auto library = [](double v) {
    char tmp[40];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v, std::chars_format::fixed, 4);
    std::string s(tmp, r.ptr);
    return s == "-0.0000" ? std::string("0.0000") : s;
  };
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {  // xorshift64*: a fixed, portable sequence
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    return x * 0x2545f4914f6cdd1dULL;
  };
  int checked = 0;
  for (int i = 0; i < 400000; ++i) {
    const double scale = std::ldexp(1.0, static_cast<int>(next() % 80) - 30);  // 2^-30 .. 2^49
    const double u = static_cast<double>(next() >> 11) * 0x1.0p-53;
    double v;
    switch (i % 4) {
      case 0:
        v = u * scale;
        break;  // anything
      case 1:
        v = (std::floor(u * 2e6) + 0.5) / 10000.0;
        break;  // decimal near-ties
      case 2:
        v = std::nextafter((std::floor(u * 2e6) + 0.5) / 1e4, 0.0);
        break;
      default:
        v = std::ldexp(std::floor(u * 64) + 0.5, -5);
        break;  // exact ties
    }
    if (next() & 1) v = -v;
    if (!(std::abs(v) < CsvBuffer::kMaxFixed4)) continue;
    CsvBuffer b;
    b.fixed4(v);
    if (b.str() != library(v)) {
      CAPTURE(v);
      CHECK(b.str() == library(v));
      break;
    }
    ++checked;
  }
  CHECK(checked > 390000);
}

TEST_CASE("numbers the writer cannot write exactly are refused, never written as garbage") {
  CsvBuffer b;
  for (double v : {9e14, -9e14, 1e15, -1e308, 1e308, HUGE_VAL, -HUGE_VAL, double(NAN)}) {
    CAPTURE(v);
    CHECK_THROWS_AS(b.fixed4(v), RuntimeFailure);
  }
  CHECK(b.str().empty());
}

TEST_CASE("outcome columns spilled to disk give the statistics of the numbers kept in memory") {
  Scratch scratch("columns");
  const std::size_t runs = 3 * OutcomeColumns::kChunkRuns + 17, metrics = 3;
  std::vector<std::vector<double>> kept(metrics);
  {
    OutcomeColumns columns(metrics, scratch.path() / "spill");
    for (std::size_t r = 0; r < runs; ++r) {
      const double row[3] = {static_cast<double>(r % 7), std::sin(static_cast<double>(r)),
                             static_cast<double>(runs - r)};
      for (std::size_t m = 0; m < metrics; ++m) kept[m].push_back(row[m]);
      columns.add(row);
    }
    CHECK(columns.runs() == runs);
    CHECK(fs::exists(scratch.path() / "spill"));
    const auto stats = columns.describe_all();
    for (std::size_t m = 0; m < metrics; ++m) {
      CHECK(columns.column(m) == kept[m]);
      const Stats expected = describe(kept[m]);
      CHECK(stats[m].mean == expected.mean);
      CHECK(stats[m].sd == expected.sd);
      CHECK(stats[m].p05 == expected.p05);
      CHECK(stats[m].p95 == expected.p95);
    }
  }
  CHECK(!fs::exists(scratch.path() / "spill"));  // the scratch file goes with the object
}

TEST_CASE("streamed summaries (radix selection) equal sorted ones, ties and signs included") {
  Scratch scratch("columns");
  for (const std::size_t runs :
       {std::size_t{1}, std::size_t{2}, std::size_t{5000}, 2 * OutcomeColumns::kChunkRuns + 3}) {
    CAPTURE(runs);
    const std::size_t metrics = 4;
    OutcomeColumns streamed(metrics, scratch.path() / "a", 0);  // always streams
    std::vector<std::vector<double>> kept(metrics);
    for (std::size_t r = 0; r < runs; ++r) {
      const double x = static_cast<double>(r);
      const double row[4] = {
          static_cast<double>((r * 7919) % 3),            // three tied values
          std::sin(x) * 1e6,                              // both signs, wide range
          r % 2 ? -0.0 : 0.0,                             // signed zeros
          std::ldexp(1.0, static_cast<int>(r % 61) - 30)  // magnitudes 2^-30 .. 2^30
      };
      streamed.add(row);
      for (std::size_t m = 0; m < metrics; ++m) kept[m].push_back(row[m]);
    }
    const auto stats = streamed.describe_all();
    for (std::size_t m = 0; m < metrics; ++m) {
      CAPTURE(m);
      const Stats e = describe(kept[m]);
      CHECK(stats[m].n == e.n);
      CHECK(stats[m].mean == e.mean);
      CHECK(stats[m].sd == e.sd);
      CHECK(stats[m].p05 == e.p05);
      CHECK(stats[m].p25 == e.p25);
      CHECK(stats[m].p50 == e.p50);
      CHECK(stats[m].p75 == e.p75);
      CHECK(stats[m].p95 == e.p95);
    }
  }
}

TEST_CASE("text fields are quoted only when they must be") {
  CHECK(CsvBuffer::quote("plain") == "plain");
  CHECK(CsvBuffer::quote("a, b") == "\"a, b\"");
  CHECK(CsvBuffer::quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
}

TEST_CASE("summary statistics: mean, sample sd, linear-interpolated quantiles") {
  const Stats s = describe({4, 1, 3, 2, 5});
  CHECK(s.n == 5);
  CHECK(s.mean == 3);
  CHECK(s.sd == doctest::Approx(1.5811388));
  CHECK(s.p05 == doctest::Approx(1.2));
  CHECK(s.p25 == 2);
  CHECK(s.p50 == 3);
  CHECK(s.p95 == doctest::Approx(4.8));
}

TEST_CASE("summary.csv has one row per metric with the documented columns") {
  const std::string csv = summary_csv("s", {"x", "y"}, {describe({1, 3}), describe({10, 30})}, 2);
  CHECK(csv ==
        "scenario,metric,n,mean,sd,p05,p25,p50,p75,p95\n"
        "s,x,2,2.0000,1.4142,1.1000,1.5000,2.0000,2.5000,2.9000\n"
        "s,y,2,20.0000,14.1421,11.0000,15.0000,20.0000,25.0000,29.0000\n");
}
