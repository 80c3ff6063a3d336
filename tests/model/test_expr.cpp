#include <doctest/doctest.h>

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

TEST_CASE("conditions compare variables, levels and the step; and binds tighter than or") {
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
