#include "model/load.hpp"

#include <cmath>
#include <limits>

#include "core/text.hpp"
#include "model/params.hpp"

namespace stancesim {

std::string variable_hint(const ModelSpec& spec, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& v : spec.variables) names.push_back(v.name);
  return did_you_mean(name, names, "stancesim list variables");
}

std::string option_hint(const Track& track, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& o : track.options) names.push_back(o.id);
  return did_you_mean(name, names, "stancesim list options");
}

const Variable* ModelSpec::find_variable(const std::string& name) const {
  for (const auto& v : variables)
    if (v.name == name) return &v;
  return nullptr;
}
const Actor* ModelSpec::find_actor(const std::string& id) const {
  for (const auto& a : actors)
    if (a.id == id) return &a;
  return nullptr;
}
const Metric* ModelSpec::find_metric(const std::string& name) const {
  for (const auto& m : metrics)
    if (m.name == name) return &m;
  return nullptr;
}
const Track* find_track(const Actor& actor, const std::string& id) {
  for (const auto& t : actor.tracks)
    if (t.id == id) return &t;
  return nullptr;
}
const Option* find_option(const Track& track, const std::string& id) {
  for (const auto& o : track.options)
    if (o.id == id) return &o;
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> level_slots(const ModelSpec& spec) {
  std::vector<std::pair<std::string, std::string>> slots;
  for (const auto& a : spec.actors)
    for (const auto& t : a.tracks) slots.emplace_back(a.id, t.id);
  return slots;
}

Expr::Resolver condition_resolver(const ModelSpec& spec) {
  return [&spec](std::string_view name) -> std::optional<Operand> {
    if (name == "step") return Operand{Operand::Kind::step, 0};
    for (std::size_t i = 0; i < spec.variables.size(); ++i)
      if (spec.variables[i].name == name)
        return Operand{Operand::Kind::variable, static_cast<int>(i)};
    const auto slots = level_slots(spec);
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (slots[i].first + "." + slots[i].second == name)
        return Operand{Operand::Kind::level, static_cast<int>(i)};
    return std::nullopt;
  };
}

Shape read_shape(Fields& f, std::string_view key) {
  const std::string s = f.string(key);
  if (s == "linear") return Shape::linear;
  if (s == "logistic") return Shape::logistic;
  if (s == "hinge") return Shape::hinge;
  if (s == "ramp") return Shape::ramp;
  if (s == "step") return Shape::step;
  f.fail(key, "'" + std::string(key) + "' in " + f.what() +
                  ": expected linear, logistic, hinge, ramp or step, found '" + s + "'");
}

LinearForm read_linear_form(Fields& f, const toml::node& node, std::string_view key,
                            const ModelSpec& spec) {
  constexpr double kAny = std::numeric_limits<double>::infinity();  // finite: the schema's range
  LinearForm form;
  if (node.is_number()) {
    form.offset = f.number_at(node, key, -kAny, kAny);
    form.locs.set("offset", f.loc(node));
    return form;
  }
  const auto* t = node.as_table();
  if (!t)
    f.fail(node, "'" + std::string(key) + "' in " + f.what() +
                     ": expected a number or a table of variable = coefficient");
  form.locs.set("offset", f.loc(node));  // an offset left out is reported at the form
  for (auto&& [k, v] : *t) {
    const std::string name(k.str());
    const double coef = f.number_at(v, std::string(key) + "." + name, -kAny, kAny);
    if (name == "offset") {
      form.offset = coef;
      form.locs.set("offset", f.loc(v));
      continue;
    }
    if (!spec.find_variable(name))
      throw InputError(loc_of(k.source(), f.file()), "unknown state variable '" + name + "' in '" +
                                                         std::string(key) + "' of " + f.what() +
                                                         variable_hint(spec, name));
    form.inputs.emplace_back(name, coef);
    form.locs.set(name, f.loc(v));
  }
  return form;
}

std::string read_escalation_class(Fields& f, std::string_view key, const ModelSpec& spec) {
  const std::string name = f.string(key);
  std::vector<std::string> known;
  for (const auto& c : spec.escalation_classes) {
    if (c.name == name) return name;
    known.push_back(c.name);
  }
  f.fail(key, "unknown escalation class '" + name + "' in " + f.what() +
                  did_you_mean(name, known, "model/model.toml"));
}

std::vector<Assignment> read_assignments(Fields& f, std::string_view key, const ModelSpec& spec,
                                         bool parameters) {
  std::vector<Assignment> out;
  const toml::node* n = f.optional(key);
  if (!n) return out;
  const auto* t = n->as_table();
  if (!t)
    f.fail(*n,
           "'" + std::string(key) + "' in " + f.what() + ": expected a table of variable = value");
  for (auto&& [k, v] : *t) {
    const std::string name(k.str());
    const Variable* var = spec.find_variable(name);
    if (!var)
      throw InputError(loc_of(k.source(), f.file()), "unknown state variable '" + name + "' in '" +
                                                         std::string(key) + "' of " + f.what() +
                                                         variable_hint(spec, name));
    Assignment a;
    a.variable = name;
    a.loc = loc_of(v, f.file());
    a.value = read_linear_form(f, v, std::string(key) + "." + name, spec);
    if (var->kind != VarKind::continuous && !a.value.inputs.empty())
      f.fail(v, "'" + name + "' is a flag or level: expected a whole number");
    if (!parameters) {
      // Not parameters (shocks): checked here, against the ranges of the rules' set and add.
      const std::string where = "'" + std::string(key) + "." + name + "' in " + f.what();
      auto within = [&](double value, double bound, const SourceLoc& at) {
        if (value < -bound || value > bound)
          throw InputError(at, where + ": expected a value in [" + num(-bound) + ", " + num(bound) +
                                   "], found " + num(value));
      };
      within(a.value.offset, ranges::kState, a.value.locs.of("offset", a.loc));
      for (const auto& [input, coef] : a.value.inputs)
        within(coef, ranges::kCoefficient, a.value.locs.of(input, a.loc));
      if (var->kind != VarKind::continuous && a.value.offset != std::floor(a.value.offset))
        f.fail(v, "'" + name + "' is a flag or level: expected a whole number");
      if (key == "set" && a.value.inputs.empty() &&
          (a.value.offset < var->min || a.value.offset > var->max))
        f.fail(v, "'set." + name + "' is outside the variable's range [" + num(var->min) + ", " +
                      num(var->max) + "]");
    }
    out.push_back(a);
  }
  return out;
}

Override read_override(Fields& f, const ModelSpec& spec, const std::string& listed_in) {
  Override o;
  o.path = f.string("path");
  o.path_loc = f.loc("path");
  o.value = f.number("value");
  o.loc = f.loc("value");
  o.rationale = f.string("rationale");
  o.claims = f.claims(spec.claims, listed_in.empty() ? spec.dir + "/claims.csv" : listed_in);
  f.done();
  return o;
}

}  // namespace stancesim
