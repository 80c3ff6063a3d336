// Conditions written in model and scenario files, e.g. "nk_theatre >= 3 and cn_support_ru >= 0.8".
// Grammar:  expr := conj ('or' conj)* ; conj := unary ('and' unary)* ;
//           unary := 'not' unary | '(' expr ')' | 'always' | operand OP number
//           operand := state variable | actor.track (level of the option in force) | step
//           OP := < <= > >= == !=
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
    and_,
    or_,
    not_
  };
  struct Node {
    Op op = Op::always;
    Operand operand;
    double value = 0;
    int lhs = -1, rhs = -1;
  };

  // An operand name resolves to nullopt when unknown; `loc` points at the string's opening quote.
  using Resolver = std::function<std::optional<Operand>(std::string_view)>;
  static Expr parse(std::string_view text, const SourceLoc& loc, const Resolver& resolve);

  bool eval(const double* x, const int* levels, int step) const {
    return eval_node(root_, x, levels, step);
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
  bool eval_node(int i, const double* x, const int* levels, int step) const;
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class ExprParser;
};

}  // namespace stancesim
