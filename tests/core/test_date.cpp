#include <doctest/doctest.h>

#include "core/date.hpp"

using namespace stancesim;

TEST_CASE("weekly dates from the start date cross months and years") {
  const Date start = make_date(2024, 11, 4);
  CHECK(iso(add_days(start, 0)) == "2024-11-04");
  CHECK(iso(add_days(start, 7)) == "2024-11-11");
  CHECK(iso(add_days(start, 7 * 4)) == "2024-12-02");
  CHECK(iso(add_days(start, 7 * 9)) == "2025-01-06");
  CHECK(iso(add_days(start, 7 * 26)) == "2025-05-05");
  CHECK(iso(add_days(make_date(2024, 2, 26), 7)) == "2024-03-04");  // leap year
  CHECK(iso(add_days(make_date(2100, 2, 26), 7)) == "2100-03-05");  // a century is not one
  CHECK(iso(add_days(make_date(2000, 2, 26), 7)) == "2000-03-04");  // but every 400th year is
  CHECK(iso(add_days(make_date(2024, 11, 4), -7)) == "2024-10-28");
}
