#include <doctest/doctest.h>

#include "core/limits.hpp"
#include "model/expr.hpp"

using namespace stancesim;

namespace {
std::optional<Operand> resolve(std::string_view name) {
  if (name == "x") return Operand{Operand::Kind::variable, 0};
  if (name == "y") return Operand{Operand::Kind::variable, 1};
  if (name == "china.dprk") return Operand{Operand::Kind::level, 0};
  if (name == "step") return Operand{Operand::Kind::step, 0};
  return std::nullopt;
}
bool eval(const char* text, double x, double y, int level = 0, int step = 1) {
  const double state[] = {x, y};
  const int levels[] = {level};
  return Expr::parse(text, SourceLoc{"f.toml", 3, 8}, resolve).eval(state, levels, step);
}
}  // namespace

TEST_CASE("conditions compare variables, levels and the step, and `and` binds tighter than `or`") {
  CHECK(eval("x >= 3", 3, 0));
  CHECK_FALSE(eval("x > 3", 3, 0));
  CHECK(eval("x < 1 or y == 2", 5, 2));
  CHECK_FALSE(eval("x < 1 or y == 2 and x > 10", 5, 2));
  CHECK(eval("(x < 1 or y == 2) and not x > 10", 5, 2));
  CHECK(eval("china.dprk >= 2", 0, 0, 3));
  CHECK_FALSE(eval("china.dprk != 3", 0, 0, 3));
  CHECK(eval("step <= 4 and always", 0, 0, 0, 4));
  CHECK(eval("x >= -1.5e0", -1, 0));
}

TEST_CASE("condition errors point at the column inside the string") {
  struct Case {
    const char* text;
    int column;
    const char* message;
  };
  // The string starts at column 8 (its opening quote): the first character is column 9.
  const Case cases[] = {
      {"zz >= 1", 9, "unknown name 'zz'"},
      {"x >== 1", 13, "expected a finite number"},
      {"x 1", 11, "expected a comparison"},
      {"x >= 1 and", 19, "expected a variable"},
      {"(x >= 1", 16, "expected ')'"},
      {"x >= 1 y", 16, "expected 'and', 'or'"},
      {"", 9, "empty"},
  };
  for (const auto& c : cases) {
    const std::string captured_text = c.text;
    CAPTURE(captured_text);
    try {
      (void)Expr::parse(c.text, SourceLoc{"f.toml", 3, 8}, resolve);
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK(e.loc().line == 3);
      CHECK(e.loc().column == c.column);
      CHECK(std::string(e.what()).find(c.message) != std::string::npos);
    }
  }
}

namespace {
std::string repeat(std::string_view piece, int n) {
  std::string out;
  out.reserve(piece.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}
// `n` opening parentheses around "x >= 1", closed again.
std::string nested(int n) {
  return repeat("(", n) + "x >= 1" + repeat(")", n);
}
// `n` terms "x >= 1" joined by `op`.
std::string chain(int n, std::string_view op) {
  std::string out = "x >= 1";
  for (int i = 1; i < n; ++i) out += std::string(" ") + std::string(op) + " x >= 1";
  return out;
}
std::string parse_error(const std::string& text) {
  try {
    (void)Expr::parse(text, SourceLoc{"f.toml", 3, 8}, resolve);
  } catch (const InputError& e) {
    CHECK(e.loc().file == "f.toml");
    CHECK(e.loc().line == 3);
    return e.message();
  }
  return "no error";
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("conditions nest at most kMaxConditionDepth parentheses and 'not' (regression)") {
  constexpr int depth = limits::kMaxConditionDepth;
  const std::string limit = std::to_string(depth);
  CHECK(eval(nested(depth).c_str(), 1, 0));
  CHECK(eval((repeat("not ", depth) + "x >= 1").c_str(), 1, 0) == (depth % 2 == 0));
  CHECK(eval((repeat("not (", depth / 2) + "x >= 1" + repeat(")", depth / 2)).c_str(), 1, 0));
  for (const std::string& text : {nested(depth + 1), repeat("not ", depth + 1) + "x >= 1",
                                  repeat("not (", depth / 2 + 1) + "x >= 1"}) {
    const std::string message = parse_error(text);
    CAPTURE(message);
    CHECK(contains(message, "nested at most " + limit + " levels deep"));
  }
  // These used to overflow the stack while parsing.
  CHECK(contains(parse_error(nested(20000)), "nested at most " + limit + " levels deep"));
  CHECK(contains(parse_error(repeat("not ", 200000) + "x >= 1"),
                 "nested at most " + limit + " levels deep"));
}

TEST_CASE("conditions have at most kMaxConditionTerms terms (regression)") {
  constexpr int terms = limits::kMaxConditionTerms;
  const std::string limit = std::to_string(terms);
  CHECK(eval(chain(terms, "and").c_str(), 1, 0));
  CHECK_FALSE(eval(chain(terms, "and").c_str(), 0, 0));
  CHECK(eval(chain(terms, "or").c_str(), 1, 0));
  CHECK_FALSE(eval(chain(terms, "or").c_str(), 0, 0));
  CHECK(contains(parse_error(chain(terms + 1, "and")), "at most " + limit + " terms"));
  CHECK(contains(parse_error(chain(terms / 2, "or") + " or " + chain(terms / 2 + 1, "and")),
                 "at most " + limit + " terms"));
  // 200,000 terms joined by `and` used to parse and then overflow the stack while evaluating.
  CHECK(contains(parse_error(chain(200000, "and")), "at most " + limit + " terms"));
}

TEST_CASE("long and/or chains evaluate like their definitions, at any position") {
  // Evaluation must not depend on the shape of a chain: the one differing term may sit anywhere.
  constexpr int n = 200;
  for (int odd : {0, 1, n / 2, n - 1}) {
    CAPTURE(odd);
    std::string all_and, all_or;
    for (int i = 0; i < n; ++i) {
      all_and += std::string(i ? " and " : "") + (i == odd ? "y >= 1" : "x >= 1");
      all_or += std::string(i ? " or " : "") + (i == odd ? "y >= 1" : "x >= 1");
    }
    CHECK(eval(all_and.c_str(), 1, 1));
    CHECK_FALSE(eval(all_and.c_str(), 1, 0));
    CHECK(eval(all_or.c_str(), 0, 1));
    CHECK_FALSE(eval(all_or.c_str(), 0, 0));
  }
  // Mixed chains with nesting: and binds tighter, not applies to the next unary.
  CHECK(eval("x >= 1 and y >= 1 or x < 0 and y < 0", -1, -1));
  CHECK_FALSE(eval("x >= 1 and y >= 1 or x < 0 and y < 0", 1, -1));
  CHECK(eval("not (x >= 1 and y >= 1) and (x >= 1 or y >= 1)", 1, 0));
  CHECK_FALSE(eval("not (x >= 1 and y >= 1) and (x >= 1 or y >= 1)", 1, 1));
  CHECK(eval("not not x >= 1 and not y >= 1", 1, 0));
  CHECK(eval("((x >= 1) or (y >= 1)) and (not (x >= 1) or not (y >= 1))", 0, 1));
  CHECK_FALSE(eval("((x >= 1) or (y >= 1)) and (not (x >= 1) or not (y >= 1))", 1, 1));
  CHECK(eval("always or x >= 1", 0, 0));
  CHECK_FALSE(eval("not always or x >= 1 and y >= 1", 1, 0));
}
