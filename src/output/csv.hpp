// Appending CSV text to a buffer without allocation per value. Numbers are written with 4 decimals,
// correctly rounded, by an integer fixed-point path that falls back to std::to_chars near a tie
// (`stancesim bench` measures it against std::to_chars alone).
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
  // Fixed point with 4 decimals, correctly rounded: the same text as std::to_chars(fixed, 4) and
  // printf("%.4f") give (the exact binary value rounded to nearest, ties to even), except that
  // -0.0000 is written as 0.0000. The integer path serves every number whose product with 10^4 is
  // clear of a rounding tie by more than the product's own rounding error (|v| 10^4 2^-53); the few
  // others go through std::to_chars. A number that is not finite or too large to write exactly
  // (|v| >= kMaxFixed4) is refused with a RuntimeFailure rather than written as garbage.
  static constexpr double kMaxFixed4 = 9e14;
  CsvBuffer& fixed4(double v) {
    if (!(std::abs(v) < kMaxFixed4)) refuse(v);
    const double scaled = std::abs(v) * 10000.0;  // < 9e18 < 2^63
    const auto whole = static_cast<std::int64_t>(scaled);
    const double frac = scaled - static_cast<double>(whole);  // exact below 2^53 (Sterbenz)
    if (std::abs(frac - 0.5) <= scaled * 0x1p-52) return fixed4_to_chars(v);  // and at or above
    const std::int64_t scaled_int = whole + static_cast<std::int64_t>(frac > 0.5);
    if (v < 0 && scaled_int != 0) buf_.push_back('-');
    integer(scaled_int / 10000);
    const int f = static_cast<int>(scaled_int % 10000);
    char tmp[5] = {'.', static_cast<char>('0' + f / 1000), static_cast<char>('0' + f / 100 % 10),
                   static_cast<char>('0' + f / 10 % 10), static_cast<char>('0' + f % 10)};
    buf_.append(tmp, 5);
    return *this;
  }
  // The same text by std::to_chars alone (fixed4's path near a tie; `stancesim bench` times it).
  CsvBuffer& fixed4_to_chars(double v) {
    char tmp[32];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v, std::chars_format::fixed, 4);
    std::string_view text(tmp, static_cast<std::size_t>(r.ptr - tmp));
    if (text == "-0.0000") text.remove_prefix(1);
    return raw(text);
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
