// fuzz_condition: the input is the text of a condition (`when = "..."` of rules and shocks),
// parsed against the shipped model's names (state variables, actor.track levels, step) and, when
// it parses, evaluated on a few states: the initial one, every variable at its minimum, at its
// maximum, and at values between, with levels 0..3 and steps 0..52.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "model/expr.hpp"
#include "model/load.hpp"

using namespace stancesim;
using namespace stancesim::fuzz;

namespace {
struct Setup {
  ModelSpec spec;
  Expr::Resolver resolve;
  std::size_t n_slots = 0;
  std::vector<std::vector<double>> states;
  Setup() : spec(load_model((source_dir() / "model").string())) {
    resolve = condition_resolver(spec);
    n_slots = level_slots(spec).size();
    std::vector<double> initial, lo, hi, mid;
    for (const auto& v : spec.variables) {
      initial.push_back(v.initial);
      lo.push_back(v.min);
      hi.push_back(v.max);
      mid.push_back(0.5 * (v.min + v.max));
    }
    states = {initial, lo, hi, mid};
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  guarded([&] {
    const Expr expr = Expr::parse(text, SourceLoc{"fuzz.toml", 3, 8}, setup.resolve);
    // Every operand must name a real variable or level slot.
    for (const Operand& o : expr.operands()) {
      const bool ok = o.kind == Operand::Kind::step ||
                      (o.kind == Operand::Kind::variable && o.index >= 0 &&
                       static_cast<std::size_t>(o.index) < setup.spec.variables.size()) ||
                      (o.kind == Operand::Kind::level && o.index >= 0 &&
                       static_cast<std::size_t>(o.index) < setup.n_slots);
      if (!ok) {
        std::fprintf(stderr, "==FINDING== operand out of range: kind %d index %d\n",
                     static_cast<int>(o.kind), o.index);
        std::abort();
      }
    }
    std::vector<int> levels(setup.n_slots);
    for (int level = 0; level <= 3; ++level) {
      std::fill(levels.begin(), levels.end(), level);
      for (const auto& x : setup.states)
        for (int step : {0, 1, 26, 52}) (void)expr.eval(x.data(), levels.data(), step);
    }
  });
  return 0;
}
