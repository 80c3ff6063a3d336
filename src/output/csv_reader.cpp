#include "output/csv_reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace stancesim {

CsvReader::CsvReader(const std::string& path) : path_(path) {
  in_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in_) throw InputError(SourceLoc{path, 0, 0}, "cannot open file");
  if (!split(header_, starts_)) throw InputError(SourceLoc{path, 1, 1}, "expected a header line");
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i].empty()) fail(static_cast<int>(i), "expected a column name");
}

int CsvReader::column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return static_cast<int>(i);
  return -1;
}

int CsvReader::require(std::string_view name) const {
  const int c = column(name);
  if (c < 0) throw InputError(SourceLoc{path_, 1, 1}, fmt::format("expected a column '{}'", name));
  return c;
}

bool CsvReader::split(std::vector<std::string>& fields, std::vector<int>& starts) {
  if (!std::getline(*in_, line_text_)) return false;
  ++line_;
  fields.clear();
  starts.clear();
  std::size_t i = 0;
  const std::string& s = line_text_;
  for (;;) {
    starts.push_back(static_cast<int>(i) + 1);
    std::string field;
    if (i < s.size() && s[i] == '"') {
      ++i;
      for (;;) {
        if (i >= s.size())
          throw InputError(SourceLoc{path_, line_, starts.back()},
                           "expected a closing quote on the same line");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(s[i++]);
      }
      if (i < s.size() && s[i] != ',')
        throw InputError(SourceLoc{path_, line_, static_cast<int>(i) + 1},
                         "expected a comma after a quoted field");
    } else {
      const std::size_t comma = s.find(',', i);
      const std::size_t end = comma == std::string::npos ? s.size() : comma;
      field.assign(s, i, end - i);
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= s.size()) break;
    ++i;                  // the comma
    if (i == s.size()) {  // a trailing comma: one more, empty field
      starts.push_back(static_cast<int>(i) + 1);
      fields.emplace_back();
      break;
    }
  }
  return true;
}

bool CsvReader::next() {
  if (!split(fields_, starts_)) return false;
  if (fields_.size() != header_.size())
    throw InputError(SourceLoc{path_, line_, 1},
                     fmt::format("expected {} fields as in the header, found {}", header_.size(),
                                 fields_.size()));
  return true;
}

std::string_view CsvReader::text(int column) const {
  return fields_[static_cast<std::size_t>(column)];
}

double CsvReader::number(int column) const {
  const std::string& f = fields_[static_cast<std::size_t>(column)];
  double v = 0;
  const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (f.empty() || ec != std::errc() || ptr != f.data() + f.size() || !std::isfinite(v))
    fail(column, fmt::format("expected a finite number in column '{}', found '{}'",
                             header_[static_cast<std::size_t>(column)], f));
  return v;
}

std::int64_t CsvReader::integer(int column, std::int64_t lo, std::int64_t hi) const {
  const std::string& f = fields_[static_cast<std::size_t>(column)];
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (f.empty() || ec != std::errc() || ptr != f.data() + f.size() || v < lo || v > hi)
    fail(column, fmt::format("expected a whole number in [{}, {}] in column '{}', found '{}'", lo,
                             hi, header_[static_cast<std::size_t>(column)], f));
  return v;
}

void CsvReader::fail(int column, const std::string& message) const {
  throw InputError(SourceLoc{path_, line_, starts_[static_cast<std::size_t>(column)]}, message);
}

}  // namespace stancesim
