// The parameter schema. Every overridable number of a ModelSpec has a dotted path, e.g.
//   term.china.no_nukes.weight   variable.cn_leverage.initial rule.nk_nuclear_test.demand.level
// and exactly one declared range, in parameter_slots(). Views, scenario [[override]] tables and
// --set edit the spec through these paths; the model loader reads these numbers checking their
// type only, then checks every one against the same ranges (check_parameters). Constraints that
// span several numbers are checked by check_constraints, after loading and after overrides, so a
// model file and an override get the same verdict. The ranges are listed in model/README.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/spec.hpp"

namespace stancesim {

// The ranges the schema is made of, chosen so that a model's arithmetic stays finite.
namespace ranges {
// A value in a variable's units: bounds, initial values, noise, drifts, the constants of effects,
// of rules' set/add and of scenario shocks. Far beyond any quantity the model counts (the shipped
// model's largest is 520), and a product with a coefficient stays within 1e15.
inline constexpr double kState = 1e9;
// A coefficient of a linear form (metric, utility term, effect, rule, severity), a utility weight,
// a choice value, a cross effect, a demand's severity (the shipped model's largest: 10).
inline constexpr double kCoefficient = 1e6;
// Combinations of in-range numbers are bounded too (check_constraints): the largest utility an
// actor can reach (its terms over the variables' ranges, inertia, demands, leverage damping)
// and the largest metric. Far below the CSV writer's limit of 9e14, and times lambda (<= 1000)
// far from overflowing the logit.
inline constexpr double kMaxMagnitude = 1e12;
// The largest factor by which the dynamics may grow the state over an actor's horizon, bounded by
// |A|^h (|A| the largest row sum of persistences and |cross coefficients|): the horizon
// operators A^h and I + A + ... + A^(h-1) stay finite.
inline constexpr double kMaxGrowth = 1e50;
}  // namespace ranges

struct ParamSlot {
  double* number = nullptr;  // exactly one of number / integer is set
  int* integer = nullptr;
  double lo = 0, hi = 0;  // the one declared range
  SourceLoc loc;          // where the value is written (or its form, for an offset left out)
};

// Slots point into `spec`: rebuild after the spec's vectors change.
std::map<std::string, ParamSlot> parameter_slots(ModelSpec& spec);

// Checks every parameter's value against its range: an InputError at the value's location,
// "value X for 'PATH' is outside [lo, hi]". The loader calls it once the model is read.
void check_parameters(ModelSpec& spec);

// Applies overrides in order; an unknown path or out-of-range value is an InputError at the
// override's location. Then checks the constraints that span several numbers.
void apply_overrides(ModelSpec& spec, const std::vector<Override>& overrides);
// Looks a view up by name and returns its overrides.
const View& find_view(const ModelSpec& spec, const std::string& name, const SourceLoc& loc);
// Constraints between numbers (initial within [min, max], a flag's bounds, a `set` within its
// variable's range, ...) and the bounds on their combinations (ranges::kMaxMagnitude,
// ranges::kMaxGrowth). InputError at the location of the number to change.
void check_constraints(const ModelSpec& spec);

}  // namespace stancesim
