// Loading the model directory (model/*.toml and model/claims.csv) into a ModelSpec.
#pragma once

#include <limits>
#include <string>

#include "model/spec.hpp"
#include "model/toml_reader.hpp"

namespace stancesim {

ModelSpec load_model(const std::string& dir);

// Shared with the scenario loader.
Expr::Resolver condition_resolver(const ModelSpec& spec);
// (actor, track) of every deciding actor's track, in model order: the `levels` array of Expr.
std::vector<std::pair<std::string, std::string>> level_slots(const ModelSpec& spec);
// A linear form: { variable = coefficient, ..., offset = c } (offset optional). Its numbers are
// read as finite numbers, with their locations; their ranges are the schema's (model/params.hpp).
LinearForm read_linear_form(Fields& f, const toml::node& node, std::string_view key,
                            const ModelSpec& spec);
Shape read_shape(Fields& f, std::string_view key);
// A whole number that is a parameter: its type is checked here, its range is the schema's
// (model/params.hpp), checked once the model is loaded.
inline int read_whole_parameter(Fields& f, std::string_view key) {
  return f.integer(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}
// An escalation class of model.toml named under `key` (of an option, a rule or a shock).
std::string read_escalation_class(Fields& f, std::string_view key, const ModelSpec& spec);
// What to add to an "unknown state variable" or "unknown option" message: the near name, or
// the valid ones (core/text.hpp did_you_mean).
std::string variable_hint(const ModelSpec& spec, const std::string& name);
std::string option_hint(const Track& track, const std::string& name);
// `set` / `add` tables of rules and shocks: variable = number or linear form. Flags and levels take
// whole numbers; a constant `set` must lie in the variable's range. When the values are
// `parameters` (a rule's), their ranges and these constraints are the parameter schema's
// (model/params.hpp), checked once the model is loaded; otherwise (a scenario's shocks) they are
// checked here, against the same ranges.
std::vector<Assignment> read_assignments(Fields& f, std::string_view key, const ModelSpec& spec,
                                         bool parameters = false);
// An [[override]] (scenarios) or [[view.override]] table: path, value, rationale, claims.
// `listed_in` names where claim ids may come from, for the error on an unknown one (default: the
// model's claims.csv).
Override read_override(Fields& f, const ModelSpec& spec, const std::string& listed_in = "");

}  // namespace stancesim
