#include "model/expr.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace stancesim {

class ExprParser {
 public:
  ExprParser(std::string_view text, const SourceLoc& loc, const Expr::Resolver& resolve)
      : text_(text), loc_(loc), resolve_(resolve) {}

  Expr run() {
    skip_space();
    if (pos_ == text_.size()) fail("expected a condition, found an empty string");
    expr_.root_ = parse_or();
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

  int add(Expr::Node n) {
    expr_.nodes_.push_back(n);
    return static_cast<int>(expr_.nodes_.size()) - 1;
  }

  int parse_or() {
    int lhs = parse_and();
    while (keyword("or")) lhs = add({Expr::Op::or_, {}, 0, lhs, parse_and()});
    return lhs;
  }

  int parse_and() {
    int lhs = parse_unary();
    while (keyword("and")) lhs = add({Expr::Op::and_, {}, 0, lhs, parse_unary()});
    return lhs;
  }

  int parse_unary() {
    skip_space();
    if (keyword("not")) return add({Expr::Op::not_, {}, 0, parse_unary(), -1});
    if (keyword("always")) return add({Expr::Op::always, {}, 0, -1, -1});
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      const int inner = parse_or();
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ')') fail("expected ')'");
      ++pos_;
      return inner;
    }
    const std::size_t name_pos = (skip_space(), pos_);
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
    return add(node);
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
  Expr expr_;
};

Expr Expr::parse(std::string_view text, const SourceLoc& loc, const Resolver& resolve) {
  return ExprParser(text, loc, resolve).run();
}

bool Expr::eval_node(int i, const double* x, const int* levels, int step) const {
  const Node& n = nodes_[static_cast<std::size_t>(i)];
  switch (n.op) {
    case Op::always:
      return true;
    case Op::and_:
      return eval_node(n.lhs, x, levels, step) && eval_node(n.rhs, x, levels, step);
    case Op::or_:
      return eval_node(n.lhs, x, levels, step) || eval_node(n.rhs, x, levels, step);
    case Op::not_:
      return !eval_node(n.lhs, x, levels, step);
    default:
      break;
  }
  double v = 0;
  switch (n.operand.kind) {
    case Operand::Kind::variable:
      v = x[n.operand.index];
      break;
    case Operand::Kind::level:
      v = levels[n.operand.index];
      break;
    case Operand::Kind::step:
      v = step;
      break;
  }
  switch (n.op) {
    case Op::less:
      return v < n.value;
    case Op::less_equal:
      return v <= n.value;
    case Op::greater:
      return v > n.value;
    case Op::greater_equal:
      return v >= n.value;
    case Op::equal:
      return v == n.value;
    case Op::not_equal:
      return v != n.value;
    default:
      return false;
  }
}

}  // namespace stancesim
