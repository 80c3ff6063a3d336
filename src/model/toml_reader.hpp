// Strict reading of TOML tables: every key must be expected, every expected key present and of
// the right type, every number finite and in range. Errors point at file:line:col.
// toml++ is used only here and in the loaders.
#pragma once

#include <toml++/toml.h>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "model/spec.hpp"

namespace stancesim {

SourceLoc loc_of(const toml::node& node, const std::string& file);
SourceLoc loc_of(const toml::source_region& region, const std::string& file);

// Parses a whole file; syntax errors become InputError with the parser's position.
toml::table parse_toml_file(const std::string& path);

class Fields {
 public:
  // `what` names the table in messages, e.g. "[[variable]] 'nk_troops_k'".
  Fields(const toml::table& table, std::string file, std::string what);

  const toml::node& required(std::string_view key);
  const toml::node* optional(std::string_view key);
  // Asks whether an optional key is present; the key counts as known (see done()).
  bool has(std::string_view key) {
    used_.insert(std::string(key));
    return table_->contains(key);
  }

  double number(std::string_view key, double lo = -std::numeric_limits<double>::infinity(),
                double hi = std::numeric_limits<double>::infinity());
  double number_at(const toml::node& node, std::string_view key, double lo, double hi) const;
  int integer(std::string_view key, int lo, int hi);
  std::string string(std::string_view key);
  std::string string_at(const toml::node& node, std::string_view key) const;
  bool boolean(std::string_view key);
  const toml::table& table(std::string_view key);
  const toml::array& array(std::string_view key);
  std::vector<std::string> strings(std::string_view key);
  // `claims = ["R01", ...]`: required, non-empty, every id listed in `listed` (claims.csv).
  Claims claims(const std::map<std::string, std::string>& listed, const std::string& listed_in,
                std::string_view key = "claims");
  // Inline table of name -> number, e.g. inputs = { peninsula_tension = 2.0 }.
  std::vector<std::pair<std::string, double>> number_table(std::string_view key);

  // Throws on any key that was never asked for.
  void done() const;
  // When a key the table must have is missing: a key never asked for that is a near miss of one
  // of `keys` is the likeliest cause, so it is named ("unknown key 'stepz' ... did you mean
  // 'step'?") at its own position, rather than the table's.
  void reject_near_miss(std::initializer_list<std::string_view> keys) const;

  SourceLoc loc() const { return loc_of(*table_, file_); }
  SourceLoc loc(std::string_view key) const;
  SourceLoc loc(const toml::node& node) const { return loc_of(node, file_); }
  const std::string& file() const { return file_; }
  const std::string& what() const { return what_; }
  [[noreturn]] void fail(const toml::node& node, const std::string& message) const;
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

 private:
  const toml::table* table_;
  std::string file_;
  std::string what_;
  std::set<std::string, std::less<>> used_;
};

// Iterates `[[name]]` arrays of tables; an absent key yields nothing when `optional`.
std::vector<const toml::table*> tables_of(Fields& fields, std::string_view key, bool optional);

}  // namespace stancesim
