#include "model/params.hpp"

#include <cmath>
#include <sstream>

#include "core/text.hpp"

namespace stancesim {

namespace {
void add(std::map<std::string, ParamSlot>& slots, const std::string& path, double* v, double lo,
         double hi, const SourceLoc& loc) {
  slots[path] = ParamSlot{v, nullptr, lo, hi, loc};
}
void add_int(std::map<std::string, ParamSlot>& slots, const std::string& path, int* v, int lo,
             int hi, const SourceLoc& loc) {
  slots[path] = ParamSlot{nullptr, v, static_cast<double>(lo), static_cast<double>(hi), loc};
}
void add_form(std::map<std::string, ParamSlot>& slots, const std::string& prefix, LinearForm& form,
              const SourceLoc& loc) {
  add(slots, prefix + ".offset", &form.offset, -1e12, 1e12, loc);
  for (auto& [name, coef] : form.inputs)
    add(slots, prefix + ".input." + name, &coef, -1e12, 1e12, loc);
}
}  // namespace

std::map<std::string, ParamSlot> parameter_slots(ModelSpec& spec) {
  std::map<std::string, ParamSlot> s;
  add_int(s, "clock.default_steps", &spec.default_steps, 1, 520, {});
  add_int(s, "escalation_index.memory_weeks", &spec.escalation_memory, 1, 520, {});
  for (auto& v : spec.variables) {
    const std::string p = "variable." + v.name;
    add(s, p + ".initial", &v.initial, -1e12, 1e12, v.loc);
    add(s, p + ".min", &v.min, -1e12, 1e12, v.loc);
    add(s, p + ".max", &v.max, -1e12, 1e12, v.loc);
    add(s, p + ".noise", &v.noise, 0, 1e12, v.loc);
    add(s, p + ".persistence", &v.persistence, 0, 1.5, v.dynamics_loc);
    add(s, p + ".drift", &v.drift, -1e12, 1e12, v.dynamics_loc);
  }
  for (auto& m : spec.metrics) add_form(s, "metric." + m.name, m.form, m.loc);
  for (auto& c : spec.escalation_classes)
    add(s, "escalation_class." + c.name + ".weight", &c.weight, -1000, 1000, c.loc);
  for (auto& a : spec.actors) {
    if (!a.deciding) continue;
    add(s, "actor." + a.id + ".lambda", &a.lambda, 0, 1000, a.loc);
    add(s, "actor." + a.id + ".kappa", &a.inertia.kappa, 0, 1000, a.loc);
    add(s, "actor." + a.id + ".switch_cost", &a.inertia.switch_cost, 0, 1000, a.loc);
    add_int(s, "actor." + a.id + ".horizon", &a.horizon, 1, 104, a.loc);
    add_int(s, "actor." + a.id + ".depth", &a.depth, 1, 3, a.loc);
    for (auto& t : a.tracks)
      if (t.inertia) {
        const std::string p = "actor." + a.id + ".track." + t.id;
        add(s, p + ".kappa", &t.inertia->kappa, 0, 1000, t.loc);
        add(s, p + ".switch_cost", &t.inertia->switch_cost, 0, 1000, t.loc);
      }
  }
  for (auto& t : spec.terms) {
    const std::string p = "term." + t.actor + "." + t.id;
    add(s, p + ".weight", &t.weight, -1e12, 1e12, t.loc);
    if (!t.is_choice && t.metric.empty()) add_form(s, p, t.form, t.loc);
    for (auto& [option, value] : t.values) add(s, p + ".value." + option, &value, -1e6, 1e6, t.loc);
  }
  for (auto& e : spec.effects) {
    const std::string p = "effect." + e.actor + "." + e.track + "." + e.option + "." + e.variable;
    add(s, p, &e.value.offset, -1e12, 1e12, e.loc);  // the number, or the form's offset
    for (auto& [name, coef] : e.value.inputs)
      add(s, p + ".input." + name, &coef, -1e12, 1e12, e.loc);
  }
  for (auto& c : spec.cross_effects)
    add(s, "cross." + c.from + "." + c.to, &c.coef, -1e12, 1e12, c.loc);
  for (auto& r : spec.rules) {
    const std::string p = "rule." + r.id;
    if (r.probability_metric.empty()) add(s, p + ".probability", &r.probability, 0, 1, r.loc);
    for (auto& a : r.set) add(s, p + ".set." + a.variable, &a.value.offset, -1e12, 1e12, a.loc);
    for (auto& a : r.add) add_form(s, p + ".add." + a.variable, a.value, a.loc);
    for (auto& a : r.add_each_step) add_form(s, p + ".add_each_step." + a.variable, a.value, a.loc);
    if (r.demand) {
      add_int(s, p + ".demand.level", &r.demand->level, 1, 10, r.demand->loc);
      add_form(s, p + ".demand.severity", r.demand->severity, r.demand->loc);
      add(s, p + ".demand.severity_max", &r.demand->severity_max, 0, 1e6, r.demand->loc);
    }
  }
  for (auto& l : spec.leverage) {
    const std::string p = "leverage." + l.actor;
    add(s, p + ".max_damping", &l.max_damping, 0, 1, l.loc);
    for (auto& [option, d] : l.damping) add(s, p + ".damping." + option, &d, 0, 1, l.loc);
  }
  return s;
}

void apply_overrides(ModelSpec& spec, const std::vector<Override>& overrides) {
  if (overrides.empty()) return;
  auto slots = parameter_slots(spec);
  for (const auto& o : overrides) {
    const auto it = slots.find(o.path);
    if (it == slots.end()) {
      // Suggest the nearest known path, so a typo is easy to fix.
      std::string best;
      std::size_t best_distance = 1000;
      for (const auto& [p, slot] : slots) {
        const std::size_t d = edit_distance(p, o.path);
        if (d < best_distance) best_distance = d, best = p;
      }
      const SourceLoc& at = o.path_loc.file.empty() ? o.loc : o.path_loc;
      throw InputError(at, "unknown parameter path '" + o.path + "'" +
                               (best_distance <= 4 ? " (did you mean '" + best + "'?)"
                                                   : " (paths are listed in model/README.md)"));
    }
    const ParamSlot& slot = it->second;
    if (!std::isfinite(o.value) || o.value < slot.lo || o.value > slot.hi) {
      std::ostringstream os;
      os << "value " << num(o.value) << " for '" << o.path << "' is outside [" << num(slot.lo)
         << ", " << num(slot.hi) << "]";
      throw InputError(o.loc, os.str());
    }
    if (slot.integer) {
      if (o.value != std::floor(o.value))
        throw InputError(o.loc, "'" + o.path + "' takes a whole number");
      *slot.integer = static_cast<int>(o.value);
    } else {
      *slot.number = o.value;
    }
  }
  check_constraints(spec);
}

const View& find_view(const ModelSpec& spec, const std::string& name, const SourceLoc& loc) {
  std::string known;
  for (const auto& v : spec.views) {
    if (v.name == name) return v;
    known += (known.empty() ? "" : ", ") + v.name;
  }
  throw InputError(loc, "unknown analyst view '" + name + "' (known: " + known + ")");
}

void check_constraints(const ModelSpec& spec) {
  for (const auto& v : spec.variables) {
    if (v.max <= v.min) throw InputError(v.loc, "'" + v.name + "': max must exceed min");
    if (v.initial < v.min || v.initial > v.max)
      throw InputError(v.loc, "'" + v.name + "': initial value outside [min, max]");
    if (v.kind != VarKind::continuous && (v.noise != 0 || v.initial != std::floor(v.initial)))
      throw InputError(v.loc, "'" + v.name + "' is a flag or level: whole values and no noise");
  }
  for (const auto& r : spec.rules)
    if (r.demand && r.demand->level < 1)
      throw InputError(r.demand->loc, "a demand's level must be at least 1");
}

}  // namespace stancesim
