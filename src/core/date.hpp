// Calendar dates for the weekly clock: std::chrono's proleptic Gregorian calendar.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace stancesim {

using Date = std::chrono::year_month_day;

inline Date make_date(int year, unsigned month, unsigned day) {
  return Date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

inline Date add_days(Date d, std::int64_t days) {
  return Date{std::chrono::sys_days{d} + std::chrono::days{days}};
}

// YYYY-MM-DD (ISO 8601).
inline std::string iso(Date d) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

}  // namespace stancesim
