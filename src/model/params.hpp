// Parameter paths: every overridable number of a ModelSpec has a dotted path, e.g.
//   term.china.no_nukes.weight   variable.cn_leverage.initial rule.nk_nuclear_test.demand.severity
// Views, scenario [[override]] tables and --set all edit the spec through these paths.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/spec.hpp"

namespace stancesim {

struct ParamSlot {
  double* number = nullptr;  // exactly one of number / integer is set
  int* integer = nullptr;
  double lo = -1e12, hi = 1e12;
  SourceLoc loc;  // where the value was defined
};

// Slots point into `spec`: rebuild after the spec's vectors change.
std::map<std::string, ParamSlot> parameter_slots(ModelSpec& spec);

// Applies overrides in order; an unknown path or out-of-range value is an InputError at the
// override's location. Then checks the constraints that span several numbers.
void apply_overrides(ModelSpec& spec, const std::vector<Override>& overrides);
// Looks a view up by name and returns its overrides.
const View& find_view(const ModelSpec& spec, const std::string& name, const SourceLoc& loc);
// Constraints between numbers (initial within [min, max], ...).
void check_constraints(const ModelSpec& spec);

}  // namespace stancesim
