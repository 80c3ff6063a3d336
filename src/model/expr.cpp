#include "model/expr.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "core/limits.hpp"

namespace stancesim {

class ExprParser {
 public:
  ExprParser(std::string_view text, const SourceLoc& loc, const Expr::Resolver& resolve)
      : text_(text), loc_(loc), resolve_(resolve) {}

  Expr run() {
    skip_space();
    if (pos_ == text_.size()) fail("expected a condition, found an empty string");
    parse_or();
    skip_space();
    if (pos_ != text_.size()) fail("expected 'and', 'or' or the end of the condition");
    return std::move(expr_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    SourceLoc at = loc_;
    if (at.line > 0) at.column += 1 + static_cast<int>(pos_);  // past the opening quote
    throw InputError(at, what + " in condition \"" + std::string(text_) + "\"");
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string_view word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_' || text_[pos_] == '.'))
      ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool keyword(std::string_view kw) {
    skip_space();
    const std::size_t save = pos_;
    if (word() == kw) return true;
    pos_ = save;
    return false;
  }

  std::size_t add(Expr::Op op) {
    expr_.nodes_.push_back({op, {}, 0, -1});
    return expr_.nodes_.size() - 1;
  }

  // `a op b op c` becomes the program  a [op] b [op] c,  each [op] jumping past c once decided:
  // a flat chain, however long, so evaluation needs no recursion.
  void parse_chain(std::string_view op_word, Expr::Op op, void (ExprParser::*part)()) {
    (this->*part)();
    std::vector<std::size_t> jumps;
    while (keyword(op_word)) {
      jumps.push_back(add(op));
      (this->*part)();
    }
    for (const std::size_t j : jumps) expr_.nodes_[j].jump = static_cast<int>(expr_.nodes_.size());
  }

  void parse_or() { parse_chain("or", Expr::Op::or_, &ExprParser::parse_and); }
  void parse_and() { parse_chain("and", Expr::Op::and_, &ExprParser::parse_unary); }

  // Parentheses and `not` recurse in the parser: each level counts against the depth limit.
  void enter() {
    if (++depth_ > limits::kMaxConditionDepth)
      fail("expected parentheses and 'not' nested at most " +
           std::to_string(limits::kMaxConditionDepth) + " levels deep, found more");
  }

  // Comparisons and `always`: each is evaluated every step, so their number is bounded.
  void count_term() {
    if (++terms_ > limits::kMaxConditionTerms)
      fail("expected at most " + std::to_string(limits::kMaxConditionTerms) +
           " terms (comparisons or 'always') in one condition, found more");
  }

  void parse_unary() {
    skip_space();
    if (keyword("not")) {
      enter();
      parse_unary();
      add(Expr::Op::not_);
      --depth_;
      return;
    }
    if (pos_ < text_.size() && text_[pos_] == '(') {
      enter();
      ++pos_;
      parse_or();
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ')') fail("expected ')'");
      ++pos_;
      --depth_;
      return;
    }
    count_term();
    if (keyword("always")) {
      add(Expr::Op::always);
      return;
    }
    const std::size_t name_pos = pos_;
    const std::string_view name = word();
    if (name.empty()) fail("expected a variable, actor.track or step");
    const auto operand = resolve_(name);
    if (!operand) {
      pos_ = name_pos;
      fail("unknown name '" + std::string(name) +
           "': expected a state variable, actor.track or step");
    }
    Expr::Node node;
    node.operand = *operand;
    node.op = parse_op();
    node.value = parse_number();
    expr_.nodes_.push_back(node);
  }

  Expr::Op parse_op() {
    skip_space();
    auto starts = [&](std::string_view s) { return text_.substr(pos_, s.size()) == s; };
    struct {
      std::string_view text;
      Expr::Op op;
    } const ops[] = {{"<=", Expr::Op::less_equal}, {">=", Expr::Op::greater_equal},
                     {"==", Expr::Op::equal},      {"!=", Expr::Op::not_equal},
                     {"<", Expr::Op::less},        {">", Expr::Op::greater}};
    for (const auto& o : ops)
      if (starts(o.text)) {
        pos_ += o.text.size();
        return o.op;
      }
    fail("expected a comparison (<, <=, >, >=, ==, !=)");
  }

  double parse_number() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
            text_[pos_] == '-' || text_[pos_] == '+' || text_[pos_] == 'e' || text_[pos_] == 'E'))
      ++pos_;
    double v = 0;
    const auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, v);
    if (ec != std::errc() || end != text_.data() + pos_ || start == pos_ || !std::isfinite(v)) {
      pos_ = start;
      fail("expected a finite number");
    }
    return v;
  }

  std::string_view text_;
  SourceLoc loc_;
  const Expr::Resolver& resolve_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // open parentheses and `not` around the current position
  int terms_ = 0;  // comparisons and `always` so far
  Expr expr_;
};

Expr Expr::parse(std::string_view text, const SourceLoc& loc, const Resolver& resolve) {
  return ExprParser(text, loc, resolve).run();
}

}  // namespace stancesim
