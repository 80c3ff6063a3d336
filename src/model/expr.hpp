// Conditions written in model and scenario files, e.g. "nk_theatre >= 3 and cn_support_ru >= 0.8".
// Grammar:  expr := conj ('or' conj)* ; conj := unary ('and' unary)* ;
//           unary := 'not' unary | '(' expr ')' | 'always' | operand OP number
//           operand := state variable | actor.track (level of the option in force) | step
//           OP := < <= > >= == !=
// Nesting ('(' and 'not') and the number of comparisons are bounded: see core/limits.hpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace stancesim {

struct Operand {
  enum class Kind { variable, level, step } kind = Kind::variable;
  int index = 0;  // variable index, or slot of an actor's track level
};

// A parsed condition is a short-circuit program over one boolean: a comparison sets it, `not`
// negates it, and each `and`/`or` of a chain jumps past the rest of the chain once its value is
// decided. Evaluation is a loop, not a recursion, so its cost is linear in the number of terms
// and its stack use does not grow with chains or nesting; both are bounded at parse time
// (limits::kMaxConditionTerms, limits::kMaxConditionDepth).
class Expr {
 public:
  enum class Op {
    always,
    less,
    less_equal,
    greater,
    greater_equal,
    equal,
    not_equal,
    and_,  // in a chain of `and`: if false, jump to `jump` (the end of the chain)
    or_,   // in a chain of `or`: if true, jump to `jump`
    not_
  };
  struct Node {
    Op op = Op::always;
    Operand operand;
    double value = 0;
    int jump = -1;  // and_/or_: index of the first instruction after the chain
  };

  // An operand name resolves to nullopt when unknown; `loc` points at the string's opening quote.
  using Resolver = std::function<std::optional<Operand>(std::string_view)>;
  static Expr parse(std::string_view text, const SourceLoc& loc, const Resolver& resolve);

  bool eval(const double* x, const int* levels, int step) const {
    bool value = true;
    const std::size_t n = nodes_.size();
    for (std::size_t i = 0; i < n;) {
      const Node& node = nodes_[i];
      switch (node.op) {
        case Op::and_:
          i = value ? i + 1 : static_cast<std::size_t>(node.jump);
          continue;
        case Op::or_:
          i = value ? static_cast<std::size_t>(node.jump) : i + 1;
          continue;
        case Op::not_:
          value = !value;
          break;
        case Op::always:
          value = true;
          break;
        default:
          value = compare(node, x, levels, step);
          break;
      }
      ++i;
    }
    return value;
  }
  bool empty() const { return nodes_.empty(); }
  // The variables and level slots the condition reads.
  std::vector<Operand> operands() const {
    std::vector<Operand> out;
    for (const auto& n : nodes_)
      if (n.op != Op::always && n.op != Op::and_ && n.op != Op::or_ && n.op != Op::not_)
        out.push_back(n.operand);
    return out;
  }

 private:
  static bool compare(const Node& n, const double* x, const int* levels, int step) {
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
        return true;
    }
  }
  std::vector<Node> nodes_;  // the program, run from the first instruction to the last
  friend class ExprParser;
};

}  // namespace stancesim
