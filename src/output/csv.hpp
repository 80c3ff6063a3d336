// Appending CSV text to a buffer without allocation per value. Numbers are written with an
// integer fixed-point formatter (4 decimals): about twice as fast as printf-style formatting.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace stancesim {

class CsvBuffer {
 public:
  std::string& str() { return buf_; }
  std::string_view view() const { return buf_; }
  std::size_t size() const { return buf_.size(); }
  void clear() { buf_.clear(); }
  void reserve(std::size_t n) { buf_.reserve(n); }

  CsvBuffer& raw(std::string_view s) {
    buf_.append(s);
    return *this;
  }
  CsvBuffer& comma() {
    buf_.push_back(',');
    return *this;
  }
  CsvBuffer& newline() {
    buf_.push_back('\n');
    return *this;
  }
  CsvBuffer& integer(std::int64_t v) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, static_cast<std::size_t>(r.ptr - tmp));
    return *this;
  }
  // Fixed point with 4 decimals, rounding half away from zero; -0.0000 is written as 0.0000.
  // A number that is not finite or too large to write exactly (|v| >= kMaxFixed4) is refused
  // with a RuntimeFailure rather than written as garbage.
  static constexpr double kMaxFixed4 = 9e14;
  CsvBuffer& fixed4(double v) {
    if (!(std::abs(v) < kMaxFixed4)) refuse(v);
    std::int64_t scaled = std::llround(v * 10000.0);
    if (scaled < 0) {
      buf_.push_back('-');
      scaled = -scaled;
    }
    integer(scaled / 10000);
    const int frac = static_cast<int>(scaled % 10000);
    char tmp[5] = {'.', static_cast<char>('0' + frac / 1000),
                   static_cast<char>('0' + frac / 100 % 10),
                   static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10)};
    buf_.append(tmp, 5);
    return *this;
  }
  // A text field, quoted per RFC 4180 when it holds a comma, quote or newline.
  CsvBuffer& field(std::string_view s) { return raw(quote(s)); }

  static std::string quote(std::string_view s) {
    if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
    return out;
  }

 private:
  [[noreturn]] static void refuse(double v) {
    char tmp[32];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    throw RuntimeFailure("cannot write the number " + std::string(tmp, r.ptr) +
                         " to a CSV file: outputs hold finite numbers below 9e14 in absolute "
                         "value; a model number or override is too large");
  }
  std::string buf_;
};

}  // namespace stancesim
