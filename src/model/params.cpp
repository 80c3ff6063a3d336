#include "model/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "core/text.hpp"

namespace stancesim {

namespace {

using ranges::kCoefficient;
using ranges::kState;

// The schema's other ranges, each with its reason.
// lambda, kappa, switch costs: 1000 already freezes an actor (the null models use it) or makes
// its choice deterministic; with levels within [-10, 10], inertia stays below 1000 + 1000 * 20^2.
constexpr double kMaxInertia = 1000;
// An escalation class's weight: the escalation index sums at most a few per week.
constexpr double kMaxEscalationWeight = 1000;
// Weeks of the clock and of the escalation index's memory: ten years (core/limits.hpp kMaxSteps).
constexpr int kMaxWeeks = 520;
// An actor's horizon (two years) and reasoning depth (decision.hpp: level-k up to 3).
constexpr int kMaxHorizon = 104;
constexpr int kMaxDepth = 3;
// A variable's weekly persistence: above 1.5 a variable explodes within weeks.
constexpr double kMaxPersistence = 1.5;
// A leverage's largest damping d: the policy weighs options by log(1 - d), which must stay finite.
constexpr double kMaxDamping = 0.99;
// Option levels are within [-10, 10] (load_actors.cpp): a demand for more than 10 is unmeetable.
constexpr int kMaxLevel = 10;

// A number exactly as it reads back (the shortest text that does): 9, -1e+308, 1000000.001.
std::string exact(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

class SlotBuilder {
 public:
  std::map<std::string, ParamSlot> slots;

  void number(const std::string& path, double* v, double lo, double hi, const SourceLoc& loc) {
    slots[path] = ParamSlot{v, nullptr, lo, hi, loc};
  }
  void integer(const std::string& path, int* v, int lo, int hi, const SourceLoc& loc) {
    slots[path] = ParamSlot{nullptr, v, static_cast<double>(lo), static_cast<double>(hi), loc};
  }
  // A linear form: its offset (in the units of the form's value) and its input coefficients.
  void form(const std::string& prefix, LinearForm& form, double offset_bound,
            const SourceLoc& fallback) {
    number(prefix + ".offset", &form.offset, -offset_bound, offset_bound,
           form.locs.of("offset", fallback));
    for (auto& [name, coef] : form.inputs)
      number(prefix + ".input." + name, &coef, -kCoefficient, kCoefficient,
             form.locs.of(name, fallback));
  }
};

// The highest level of the track a demand is on: the demand's level is one of its rungs.
int top_level(const ModelSpec& spec, const Demand& d) {
  const Actor* a = spec.find_actor(d.actor);
  const Track* t = a ? find_track(*a, d.track) : nullptr;
  if (!t) return kMaxLevel;
  int top = 0;
  for (const auto& o : t->options) top = std::max(top, o.level);
  return std::max(1, top);
}

void check_value(const std::string& path, const ParamSlot& slot, double value,
                 const SourceLoc& loc) {
  if (!(value >= slot.lo && value <= slot.hi))  // NaN is outside too
    throw InputError(loc, "value " + exact(value) + " for '" + path + "' is outside [" +
                              num(slot.lo) + ", " + num(slot.hi) + "]");
}

}  // namespace

std::map<std::string, ParamSlot> parameter_slots(ModelSpec& spec) {
  SlotBuilder s;
  s.integer("clock.default_steps", &spec.default_steps, 1, kMaxWeeks,
            spec.locs.of("clock.default_steps", {}));
  s.integer("escalation_index.memory_weeks", &spec.escalation_memory, 1, kMaxWeeks,
            spec.locs.of("escalation_index.memory_weeks", {}));
  for (auto& v : spec.variables) {
    const std::string p = "variable." + v.name;
    s.number(p + ".initial", &v.initial, -kState, kState, v.locs.of("initial", v.loc));
    s.number(p + ".min", &v.min, -kState, kState, v.locs.of("min", v.loc));
    s.number(p + ".max", &v.max, -kState, kState, v.locs.of("max", v.loc));
    s.number(p + ".noise", &v.noise, 0, kState, v.locs.of("noise", v.loc));
    s.number(p + ".persistence", &v.persistence, 0, kMaxPersistence,
             v.locs.of("persistence", v.dynamics_loc));
    s.number(p + ".drift", &v.drift, -kState, kState, v.locs.of("drift", v.dynamics_loc));
  }
  for (auto& m : spec.metrics) s.form("metric." + m.name, m.form, kCoefficient, m.loc);
  for (auto& c : spec.escalation_classes)
    s.number("escalation_class." + c.name + ".weight", &c.weight, -kMaxEscalationWeight,
             kMaxEscalationWeight, c.locs.of("weight", c.loc));
  for (auto& a : spec.actors) {
    if (!a.deciding) continue;
    const std::string p = "actor." + a.id;
    s.number(p + ".lambda", &a.lambda, 0, kMaxInertia, a.locs.of("lambda", a.loc));
    s.number(p + ".kappa", &a.inertia.kappa, 0, kMaxInertia, a.locs.of("kappa", a.loc));
    s.number(p + ".switch_cost", &a.inertia.switch_cost, 0, kMaxInertia,
             a.locs.of("switch_cost", a.loc));
    s.integer(p + ".horizon", &a.horizon, 1, kMaxHorizon, a.locs.of("horizon", a.loc));
    s.integer(p + ".depth", &a.depth, 1, kMaxDepth, a.locs.of("depth", a.loc));
    for (auto& t : a.tracks)
      if (t.inertia) {
        const std::string pt = p + ".track." + t.id;
        s.number(pt + ".kappa", &t.inertia->kappa, 0, kMaxInertia, t.locs.of("kappa", t.loc));
        s.number(pt + ".switch_cost", &t.inertia->switch_cost, 0, kMaxInertia,
                 t.locs.of("switch_cost", t.loc));
      }
  }
  for (auto& t : spec.terms) {
    const std::string p = "term." + t.actor + "." + t.id;
    s.number(p + ".weight", &t.weight, -kCoefficient, kCoefficient, t.locs.of("weight", t.loc));
    if (!t.is_choice && t.metric.empty()) s.form(p, t.form, kCoefficient, t.loc);
    for (auto& [option, value] : t.values)
      s.number(p + ".value." + option, &value, -kCoefficient, kCoefficient,
               t.locs.of("values." + option, t.loc));
  }
  for (auto& e : spec.effects) {
    const std::string p = "effect." + e.actor + "." + e.track + "." + e.option + "." + e.variable;
    // The number, or the form's offset: a change of the variable (or the value it is set to).
    s.number(p, &e.value.offset, -kState, kState, e.value.locs.of("offset", e.loc));
    for (auto& [name, coef] : e.value.inputs)
      s.number(p + ".input." + name, &coef, -kCoefficient, kCoefficient,
               e.value.locs.of(name, e.loc));
  }
  for (auto& c : spec.cross_effects)
    s.number("cross." + c.from + "." + c.to, &c.coef, -kCoefficient, kCoefficient,
             c.locs.of("coef", c.loc));
  for (auto& r : spec.rules) {
    const std::string p = "rule." + r.id;
    if (r.probability_metric.empty())
      s.number(p + ".probability", &r.probability, 0, 1, r.locs.of("probability", r.loc));
    for (auto& a : r.set)
      s.number(p + ".set." + a.variable, &a.value.offset, -kState, kState,
               a.value.locs.of("offset", a.loc));
    for (auto& a : r.add) s.form(p + ".add." + a.variable, a.value, kState, a.loc);
    for (auto& a : r.add_each_step)
      s.form(p + ".add_each_step." + a.variable, a.value, kState, a.loc);
    if (r.demand) {
      Demand& d = *r.demand;
      s.integer(p + ".demand.level", &d.level, 1, top_level(spec, d), d.locs.of("level", d.loc));
      s.form(p + ".demand.severity", d.severity, kCoefficient, d.loc);
      s.number(p + ".demand.severity_max", &d.severity_max, 0, kCoefficient,
               d.locs.of("severity_max", d.loc));
    }
  }
  for (auto& l : spec.leverage) {
    const std::string p = "leverage." + l.actor;
    s.number(p + ".max_damping", &l.max_damping, 0, kMaxDamping, l.locs.of("max_damping", l.loc));
    for (auto& [option, d] : l.damping)
      s.number(p + ".damping." + option, &d, 0, 1, l.locs.of("damping." + option, l.loc));
  }
  return std::move(s.slots);
}

void check_parameters(ModelSpec& spec) {
  for (const auto& [path, slot] : parameter_slots(spec))
    check_value(path, slot, slot.integer ? *slot.integer : *slot.number, slot.loc);
}

namespace {

// Where each overridden path was last set: a constraint broken by an override is reported there.
using Overridden = std::map<std::string, std::pair<std::size_t, SourceLoc>>;

class ConstraintChecker {
 public:
  ConstraintChecker(const ModelSpec& spec, const Overridden* overridden)
      : spec_(spec), overridden_(overridden) {}

  void run() const {
    for (const auto& v : spec_.variables) variable(v);
    for (const auto& e : spec_.effects) effect(e);
    for (const auto& r : spec_.rules) rule(r);
    for (const auto& m : spec_.metrics) metric(m);
    growth();
    for (const auto& a : spec_.actors)
      if (a.deciding) utility(a);
  }

 private:
  // The error's location: the last override of one of `paths`, else `at` (the model file).
  [[noreturn]] void fail(const SourceLoc& at, const std::vector<std::string>& paths,
                         const std::string& message) const {
    const SourceLoc* loc = &at;
    std::size_t latest = 0;
    bool found = false;
    if (overridden_)
      for (const auto& p : paths)
        if (const auto it = overridden_->find(p); it != overridden_->end())
          if (!found || it->second.first >= latest) {
            found = true;
            latest = it->second.first;
            loc = &it->second.second;
          }
    throw InputError(*loc, message);
  }

  static std::string var_path(const Variable& v, const char* key) {
    return "variable." + v.name + "." + key;
  }

  void variable(const Variable& v) const {
    const std::string pmin = var_path(v, "min"), pmax = var_path(v, "max"),
                      pinit = var_path(v, "initial"), pnoise = var_path(v, "noise");
    if (v.max <= v.min)
      fail(v.locs.of("max", v.loc), {pmax, pmin},
           "'max' must be greater than 'min' in [[variable]] '" + v.name + "' (" + exact(v.max) +
               " <= " + exact(v.min) + ")");
    if (v.initial < v.min || v.initial > v.max)
      fail(v.locs.of("initial", v.loc), {pinit, pmin, pmax},
           "value " + exact(v.initial) + " for '" + pinit + "' is outside its [min, max] = [" +
               num(v.min) + ", " + num(v.max) + "]");
    if (v.kind != VarKind::continuous) {
      const std::string kind = v.kind == VarKind::flag ? "flag" : "level";
      if (v.noise != 0)
        fail(v.locs.of("noise", v.loc), {pnoise},
             "value " + exact(v.noise) + " for '" + pnoise + "': a " + kind +
                 " variable has no noise: expected 0");
      if (v.initial != std::floor(v.initial))
        fail(v.locs.of("initial", v.loc), {pinit},
             "value " + exact(v.initial) + " for '" + pinit + "': a " + kind +
                 " variable takes whole values");
      if (v.kind == VarKind::flag && v.min != 0)
        fail(v.locs.of("min", v.loc), {pmin},
             "value " + exact(v.min) + " for '" + pmin + "': a flag ranges over [0, 1]");
      if (v.kind == VarKind::flag && v.max != 1)
        fail(v.locs.of("max", v.loc), {pmax},
             "value " + exact(v.max) + " for '" + pmax + "': a flag ranges over [0, 1]");
      const std::string pp = var_path(v, "persistence"), pd = var_path(v, "drift");
      if (v.persistence != 1 || v.drift != 0) {
        const bool p = v.persistence != 1;
        fail(v.locs.of(p ? "persistence" : "drift", v.dynamics_loc), {p ? pp : pd},
             "value " + exact(p ? v.persistence : v.drift) + " for '" + (p ? pp : pd) + "': '" +
                 v.name + "' is a flag or level: it keeps its value (persistence 1, drift 0)");
      }
    }
    if (v.noise > v.max - v.min)
      fail(v.locs.of("noise", v.loc), {pnoise, pmin, pmax},
           "value " + exact(v.noise) + " for '" + pnoise +
               "' exceeds max - min = " + num(v.max - v.min));
  }

  // A constant assigned to a variable (an option's or a rule's `set`): within the variable's
  // range, and whole for flags and levels.
  void assigned(const std::string& path, const SourceLoc& at, const Variable& v, double value,
                bool in_range) const {
    if (v.kind != VarKind::continuous && value != std::floor(value))
      fail(at, {path},
           "value " + exact(value) + " for '" + path + "': '" + v.name +
               "' is a flag or level: expected a whole number");
    if (in_range && (value < v.min || value > v.max))
      fail(at, {path, var_path(v, "min"), var_path(v, "max")},
           "value " + exact(value) + " for '" + path + "' is outside the range [" + num(v.min) +
               ", " + num(v.max) + "] of '" + v.name + "'");
  }

  void effect(const Effect& e) const {
    if (e.mode != EffectMode::set) return;
    const Variable* v = spec_.find_variable(e.variable);
    if (!v) return;
    const std::string p = "effect." + e.actor + "." + e.track + "." + e.option + "." + e.variable;
    assigned(p, e.value.locs.of("offset", e.loc), *v, e.value.offset, true);
  }

  void rule(const Rule& r) const {
    const std::string p = "rule." + r.id;
    for (const auto& a : r.set)
      if (const Variable* v = spec_.find_variable(a.variable))
        assigned(p + ".set." + a.variable, a.value.locs.of("offset", a.loc), *v, a.value.offset,
                 a.value.inputs.empty());
    for (const auto* list : {&r.add, &r.add_each_step})
      for (const auto& a : *list)
        if (const Variable* v = spec_.find_variable(a.variable))
          assigned(p + (list == &r.add ? ".add." : ".add_each_step.") + a.variable + ".offset",
                   a.value.locs.of("offset", a.loc), *v, a.value.offset, false);
    if (r.demand && !r.demand->credibility.empty())
      if (const Variable* c = spec_.find_variable(r.demand->credibility))
        if (c->min < 0 || c->max > 1)
          fail(r.demand->locs.of("credibility", r.demand->loc),
               {var_path(*c, "min"), var_path(*c, "max")},
               "'credibility': expected a state variable ranging within [0, 1] (the demand of "
               "rule '" +
                   r.id + "' reads '" + c->name + "', which ranges over [" + num(c->min) + ", " +
                   num(c->max) + "])");
  }

  // The largest |shape(z)| of a linear form over the variables' ranges, and the paths it rests on.
  double bound(const LinearForm& form, Shape shape, const std::string& prefix,
               std::vector<std::string>* paths) const {
    double z = std::abs(form.offset);
    if (paths) paths->push_back(prefix + ".offset");
    for (const auto& [name, coef] : form.inputs) {
      const Variable* v = spec_.find_variable(name);
      if (!v) continue;
      z += std::abs(coef) * std::max(std::abs(v->min), std::abs(v->max));
      if (paths) {
        paths->push_back(prefix + ".input." + name);
        paths->push_back(var_path(*v, "min"));
        paths->push_back(var_path(*v, "max"));
      }
    }
    switch (shape) {
      case Shape::linear:
      case Shape::hinge:
        return z;
      case Shape::logistic:
      case Shape::ramp:
      case Shape::step:
        return 1;
    }
    return z;
  }

  // A metric is written to state.csv every week: it must stay printable.
  void metric(const Metric& m) const {
    const std::string p = "metric." + m.name;
    const double b = bound(m.form, m.shape, p, nullptr);
    if (b > ranges::kMaxMagnitude) {
      std::vector<std::string> paths;
      bound(m.form, m.shape, p, &paths);
      fail(m.loc, paths,
           "metric '" + m.name + "' could reach " + num(b) + ", beyond " +
               num(ranges::kMaxMagnitude) +
               " (its |offset| plus |coefficient| x |bound| of each input): lower its "
               "coefficients or its inputs' bounds");
    }
  }

  // Forecasts over h weeks apply A^h: bounded by |A|^h with |A| the largest row sum.
  void growth() const {
    std::map<std::string, double> row;
    for (const auto& v : spec_.variables) row[v.name] = std::abs(v.persistence);
    for (const auto& c : spec_.cross_effects) row[c.to] += std::abs(c.coef);
    std::string widest;
    double a = 0;
    for (const auto& [name, sum] : row)
      if (sum > a) a = sum, widest = name;
    const Actor* longest = nullptr;
    for (const auto& act : spec_.actors)
      if (act.deciding && (!longest || act.horizon > longest->horizon)) longest = &act;
    if (!longest || a <= 1) return;
    const double log_growth = longest->horizon * std::log10(a);
    if (log_growth <= std::log10(ranges::kMaxGrowth)) return;
    std::vector<std::string> paths = {"actor." + longest->id + ".horizon",
                                      "variable." + widest + ".persistence"};
    for (const auto& c : spec_.cross_effects)
      if (c.to == widest) paths.push_back("cross." + c.from + "." + c.to);
    std::ostringstream os;
    os << "forecasts could grow the state by up to " << num(a) << "^" << longest->horizon << " = 1e"
       << static_cast<long>(std::floor(log_growth)) << " over the horizon of '" << longest->id
       << "' (" << longest->horizon << " weeks), beyond " << num(ranges::kMaxGrowth) << ": "
       << num(a) << " is the persistence of '" << widest
       << "' plus the |coefficients| of its cross effects; lower them or the horizon";
    fail(longest->locs.of("horizon", longest->loc), paths, os.str());
  }

  // The largest |utility| an actor can reach, part by part (decision.hpp, EU_i(a)).
  void utility(const Actor& a) const {
    struct Part {
      double value = -1;
      std::string what;
      SourceLoc loc;
      std::vector<std::string> paths;
    };
    double total = 0;
    Part largest;
    auto add = [&](double value, const auto& describe) {
      total += value;
      if (value > largest.value) {
        largest = Part{};
        largest.value = value;
        describe(largest);
      }
    };
    for (const auto& t : spec_.terms) {
      if (t.actor != a.id) continue;
      const std::string p = "term." + t.actor + "." + t.id;
      double v = 0;
      if (t.is_choice) {
        for (const auto& [option, value] : t.values) v = std::max(v, std::abs(value));
      } else if (const Metric* m = t.metric.empty() ? nullptr : spec_.find_metric(t.metric)) {
        v = bound(m->form, m->shape, "metric." + m->name, nullptr);
      } else {
        v = bound(t.form, t.shape, p, nullptr);
      }
      add(std::abs(t.weight) * v, [&](Part& part) {
        part.what = "term '" + t.actor + "." + t.id + "': |weight| " + num(std::abs(t.weight)) +
                    " times a value up to " + num(v);
        part.loc = t.locs.of("weight", t.loc);
        part.paths = {p + ".weight"};
        if (t.is_choice) {
          for (const auto& [option, value] : t.values) part.paths.push_back(p + ".value." + option);
        } else if (const Metric* m = t.metric.empty() ? nullptr : spec_.find_metric(t.metric)) {
          bound(m->form, m->shape, "metric." + m->name, &part.paths);
        } else {
          bound(t.form, t.shape, p, &part.paths);
        }
      });
    }
    for (const auto& t : a.tracks) {
      int lo = 0, hi = 0;
      for (const auto& o : t.options) lo = std::min(lo, o.level), hi = std::max(hi, o.level);
      const Inertia& in = t.inertia ? *t.inertia : a.inertia;
      const double span = hi - lo;
      add(in.switch_cost + in.kappa * span * span, [&](Part& part) {
        const std::string p = t.inertia ? "actor." + a.id + ".track." + t.id : "actor." + a.id;
        part.what = "the inertia of track '" + a.id + "." + t.id + "'";
        part.loc = (t.inertia ? t.locs : a.locs).of("kappa", t.inertia ? t.loc : a.loc);
        part.paths = {p + ".kappa", p + ".switch_cost"};
      });
    }
    for (const auto& r : spec_.rules) {
      if (!r.demand || r.demand->actor != a.id) continue;
      const Demand& d = *r.demand;
      const Track* t = find_track(a, d.track);
      int lo = d.level;
      if (t)
        for (const auto& o : t->options) lo = std::min(lo, o.level);
      add(d.severity_max * (d.level - lo) / std::max(1, d.level), [&](Part& part) {
        part.what = "the demand of rule '" + r.id + "'";
        part.loc = d.locs.of("severity_max", d.loc);
        part.paths = {"rule." + r.id + ".demand.severity_max"};
      });
    }
    // Leverage damping as a utility equivalent (utilities.csv): log(1 - d) per track / lambda.
    if (a.lambda > 0)
      for (const auto& l : spec_.leverage) {
        double tracks = 0;
        for (const auto& target : l.targets)
          tracks += target == a.id ? static_cast<double>(a.tracks.size())
                                   : (target.rfind(a.id + ".", 0) == 0 ? 1 : 0);
        if (tracks == 0) continue;
        add(-std::log1p(-l.max_damping) * tracks / a.lambda, [&](Part& part) {
          part.what = "the damping of '" + l.actor + "''s leverage at lambda " + num(a.lambda);
          part.loc = a.locs.of("lambda", a.loc);
          part.paths = {"actor." + a.id + ".lambda", "leverage." + l.actor + ".max_damping"};
        });
      }
    if (total > ranges::kMaxMagnitude)
      fail(largest.loc, largest.paths,
           "the utility of '" + a.id + "' could reach " + num(total) + ", beyond " +
               num(ranges::kMaxMagnitude) + " (largest part: " + largest.what +
               "): lower its weight, its inputs' coefficients or their bounds");
  }

  const ModelSpec& spec_;
  const Overridden* overridden_;
};

}  // namespace

void apply_overrides(ModelSpec& spec, const std::vector<Override>& overrides) {
  if (overrides.empty()) return;
  auto slots = parameter_slots(spec);
  Overridden overridden;
  std::size_t order = 0;
  for (const auto& o : overrides) {
    const auto it = slots.find(o.path);
    if (it == slots.end()) {
      // Suggest the nearest known path, so a typo is easy to fix.
      std::vector<std::string> paths;
      for (const auto& entry : slots) paths.push_back(entry.first);
      const auto [best, best_distance] = closest(o.path, paths);
      const SourceLoc& at = o.path_loc.file.empty() ? o.loc : o.path_loc;
      throw InputError(at, "unknown parameter path '" + o.path + "'" +
                               (best_distance <= 4 ? " (did you mean '" + best + "'?)"
                                                   : " (see stancesim list parameters)"));
    }
    const ParamSlot& slot = it->second;
    check_value(o.path, slot, o.value, o.loc);
    if (slot.integer) {
      if (o.value != std::floor(o.value))
        throw InputError(o.loc, "'" + o.path + "' takes a whole number");
      *slot.integer = static_cast<int>(o.value);
    } else {
      *slot.number = o.value;
    }
    overridden[o.path] = {order++, o.loc};
  }
  ConstraintChecker(spec, &overridden).run();
}

const View& find_view(const ModelSpec& spec, const std::string& name, const SourceLoc& loc) {
  std::string known;
  std::vector<std::string> names;
  for (const auto& v : spec.views) {
    if (v.name == name) return v;
    known += (known.empty() ? "" : ", ") + v.name;
    names.push_back(v.name);
  }
  const auto [best, distance] = closest(name, names);
  throw InputError(loc, "unknown analyst view '" + name + "' (" +
                            (distance <= 2 ? "did you mean '" + best + "'? " : "") +
                            "known: " + known + ")");
}

void check_constraints(const ModelSpec& spec) {
  ConstraintChecker(spec, nullptr).run();
}

}  // namespace stancesim
