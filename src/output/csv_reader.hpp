// Strict reading of the CSV files stancesim writes (RFC 4180 quoting, one record per line): a
// header, then rows with exactly as many fields. Every problem is an InputError at file:line:col
// naming what was expected, so a hand-edited or truncated file is never read silently.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stancesim {

class CsvReader {
 public:
  // Opens the file and reads its header line.
  explicit CsvReader(const std::string& path);

  const std::vector<std::string>& header() const { return header_; }
  int column(std::string_view name) const;   // -1 when absent
  int require(std::string_view name) const;  // InputError at the header when absent

  bool next();                              // the next row; false at the end of the file
  std::string_view text(int column) const;  // unquoted
  double number(int column) const;          // a finite number, the whole field
  std::int64_t integer(int column, std::int64_t lo, std::int64_t hi) const;
  int line() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  bool split(std::vector<std::string>& fields, std::vector<int>& starts);
  [[noreturn]] void fail(int column, const std::string& message) const;
  std::string path_, line_text_;
  std::unique_ptr<std::ifstream> in_;
  std::vector<std::string> header_, fields_;
  std::vector<int> starts_;  // 1-based column of each field
  int line_ = 0;
};

}  // namespace stancesim
