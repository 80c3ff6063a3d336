#include "model/toml_reader.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace stancesim {

namespace {
std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}
}  // namespace

SourceLoc loc_of(const toml::source_region& region, const std::string& file) {
  return SourceLoc{file, static_cast<int>(region.begin.line),
                   static_cast<int>(region.begin.column)};
}

SourceLoc loc_of(const toml::node& node, const std::string& file) {
  return loc_of(node.source(), file);
}

toml::table parse_toml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path, 0, 0}, "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return toml::parse(buffer.str(), path);
  } catch (const toml::parse_error& e) {
    throw InputError(loc_of(e.source(), path), std::string(e.description()));
  }
}

Fields::Fields(const toml::table& table, std::string file, std::string what)
    : table_(&table), file_(std::move(file)), what_(std::move(what)) {}

SourceLoc Fields::loc(std::string_view key) const {
  if (const toml::node* n = table_->get(key)) return loc_of(*n, file_);
  return loc();
}

void Fields::fail(const toml::node& node, const std::string& message) const {
  throw InputError(loc_of(node, file_), message);
}

void Fields::fail(std::string_view key, const std::string& message) const {
  throw InputError(loc(key), message);
}

const toml::node& Fields::required(std::string_view key) {
  used_.insert(std::string(key));
  const toml::node* n = table_->get(key);
  if (!n) {
    reject_near_miss({key});
    throw InputError(loc(), "missing key '" + std::string(key) + "' in " + what_);
  }
  return *n;
}

const toml::node* Fields::optional(std::string_view key) {
  used_.insert(std::string(key));
  return table_->get(key);
}

double Fields::number_at(const toml::node& node, std::string_view key, double lo, double hi) const {
  double v = 0;
  if (const auto* i = node.as_integer())
    v = static_cast<double>(i->get());
  else if (const auto* f = node.as_floating_point())
    v = f->get();
  else
    fail(node, "'" + std::string(key) + "' in " + what_ + ": expected a number, found " +
                   type_name(node));
  if (!std::isfinite(v))
    fail(node, "'" + std::string(key) + "' in " + what_ + ": expected a finite number");
  if (v < lo || v > hi) {
    std::ostringstream os;
    os << "'" << key << "' in " << what_ << ": expected a value in [" << num(lo) << ", " << num(hi)
       << "], found " << num(v);
    fail(node, os.str());
  }
  return v;
}

double Fields::number(std::string_view key, double lo, double hi) {
  return number_at(required(key), key, lo, hi);
}

int Fields::integer(std::string_view key, int lo, int hi) {
  const toml::node& n = required(key);
  const auto* i = n.as_integer();
  if (!i)
    fail(n,
         "'" + std::string(key) + "' in " + what_ + ": expected an integer, found " + type_name(n));
  // Checked at the full width of TOML integers before narrowing: 2^32 + 1 must not read as 1.
  const std::int64_t v = i->get();
  if (v < lo || v > hi)
    fail(n, "'" + std::string(key) + "' in " + what_ + ": expected an integer in [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "], found " + std::to_string(v));
  return static_cast<int>(v);
}

std::string Fields::string_at(const toml::node& node, std::string_view key) const {
  const auto* s = node.as_string();
  if (!s)
    fail(node, "'" + std::string(key) + "' in " + what_ + ": expected a string, found " +
                   type_name(node));
  return s->get();
}

std::string Fields::string(std::string_view key) {
  return string_at(required(key), key);
}

bool Fields::boolean(std::string_view key) {
  const toml::node& n = required(key);
  const auto* b = n.as_boolean();
  if (!b)
    fail(n, "'" + std::string(key) + "' in " + what_ + ": expected true or false, found " +
                type_name(n));
  return b->get();
}

const toml::table& Fields::table(std::string_view key) {
  const toml::node& n = required(key);
  const auto* t = n.as_table();
  if (!t)
    fail(n, "'" + std::string(key) + "' in " + what_ + ": expected a table, found " + type_name(n));
  return *t;
}

const toml::array& Fields::array(std::string_view key) {
  const toml::node& n = required(key);
  const auto* a = n.as_array();
  if (!a)
    fail(n,
         "'" + std::string(key) + "' in " + what_ + ": expected an array, found " + type_name(n));
  return *a;
}

std::vector<std::string> Fields::strings(std::string_view key) {
  std::vector<std::string> out;
  for (const toml::node& n : array(key)) out.push_back(string_at(n, key));
  return out;
}

Claims Fields::claims(const std::map<std::string, std::string>& listed,
                      const std::string& listed_in, std::string_view key) {
  Claims ids;
  for (const toml::node& n : array(key)) {
    ids.push_back(string_at(n, key));
    if (listed.count(ids.back()) == 0)
      fail(n, "claim id '" + ids.back() + "' is not listed in " + listed_in);
  }
  if (ids.empty())
    fail(key, "'" + std::string(key) + "' in " + what_ + ": cite at least one claim id");
  return ids;
}

std::vector<std::pair<std::string, double>> Fields::number_table(std::string_view key) {
  std::vector<std::pair<std::string, double>> out;
  for (auto&& [k, v] : table(key))
    out.emplace_back(std::string(k.str()),
                     number_at(v, std::string(key) + "." + std::string(k.str()),
                               -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::infinity()));
  return out;
}

void Fields::reject_near_miss(std::initializer_list<std::string_view> keys) const {
  for (auto&& [k, v] : *table_)
    if (used_.count(k.str()) == 0)
      for (const std::string_view key : keys)
        if (edit_distance(k.str(), key) <= 2)
          throw InputError(loc_of(k.source(), file_), "unknown key '" + std::string(k.str()) +
                                                          "' in " + what_ + " (did you mean '" +
                                                          std::string(key) + "'?)");
}

void Fields::done() const {
  for (auto&& [k, v] : *table_) {
    if (used_.count(k.str()) == 0) {
      for (const auto& u : used_)
        if (edit_distance(k.str(), u) <= 2)
          throw InputError(loc_of(k.source(), file_), "unknown key '" + std::string(k.str()) +
                                                          "' in " + what_ + " (did you mean '" + u +
                                                          "'?)");
      std::string expected;
      for (const auto& u : used_) expected += (expected.empty() ? "" : ", ") + u;
      throw InputError(loc_of(k.source(), file_), "unknown key '" + std::string(k.str()) + "' in " +
                                                      what_ + " (expected: " + expected + ")");
    }
  }
}

std::vector<const toml::table*> tables_of(Fields& fields, std::string_view key, bool optional) {
  std::vector<const toml::table*> out;
  const toml::node* n = optional ? fields.optional(key) : &fields.required(key);
  if (!n) return out;
  const auto* arr = n->as_array();
  if (!arr)
    fields.fail(*n, "'" + std::string(key) + "' in " + fields.what() +
                        ": expected an array of tables ([[" + std::string(key) + "]])");
  for (const toml::node& item : *arr) {
    const auto* t = item.as_table();
    if (!t)
      fields.fail(item, "'" + std::string(key) + "' in " + fields.what() +
                            ": expected an array of tables ([[" + std::string(key) + "]])");
    out.push_back(t);
  }
  return out;
}

}  // namespace stancesim
