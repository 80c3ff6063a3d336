// Calendar dates for the weekly clock (proleptic Gregorian, days-from-civil algorithm).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace stancesim {

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;
};

inline std::int64_t days_from_civil(Date d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(d.month + (d.month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2));
  return Date{year, month, day};
}

inline Date add_days(Date d, std::int64_t days) {
  return civil_from_days(days_from_civil(d) + days);
}

inline std::string iso(Date d) {
  char buf[16];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace stancesim
