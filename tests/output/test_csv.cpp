#include <doctest/doctest.h>

#include "output/csv.hpp"
#include "output/summary.hpp"

using namespace stancesim;

TEST_CASE("fixed-point numbers round half away from zero to 4 decimals") {
  auto f = [](double v) {
    CsvBuffer b;
    b.fixed4(v);
    return b.str();
  };
  CHECK(f(0) == "0.0000");
  CHECK(f(1.5) == "1.5000");
  CHECK(f(-2.25) == "-2.2500");
  CHECK(f(0.12345) == "0.1235");
  CHECK(f(-0.00001) == "0.0000");  // no negative zero
  CHECK(f(123456.78901) == "123456.7890");
  CHECK(f(0.99995) == "1.0000");
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
  const std::string csv = summary_csv("s", {"x", "y"}, {1, 10, 3, 30}, 2);
  CHECK(csv ==
        "scenario,metric,n,mean,sd,p05,p25,p50,p75,p95\n"
        "s,x,2,2.0000,1.4142,1.1000,1.5000,2.0000,2.5000,2.9000\n"
        "s,y,2,20.0000,14.1421,11.0000,15.0000,20.0000,25.0000,29.0000\n");
}
