// Loading dynamics.toml, rules.toml and views.toml.
#include <cmath>
#include <set>

#include "model/model_loader.hpp"

namespace stancesim {

void ModelLoader::load_dynamics() {
  std::string file;
  const toml::table root = open("dynamics.toml", file);
  Fields f(root, file, "dynamics.toml");
  std::set<std::string> seen;
  for (const toml::table* t : tables_of(f, "variable", false)) {
    Fields v(*t, file, "[[variable]] in dynamics.toml");
    const std::string name = variable(v, "name").name;
    Variable& var = *const_cast<Variable*>(spec_.find_variable(name));
    if (!seen.insert(name).second) v.fail("name", "duplicate dynamics for '" + name + "'");
    var.dynamics_loc = v.loc();
    // Parameters: ranges and constraints (a flag keeps its value) in params.cpp.
    var.persistence = v.number("persistence");
    var.drift = v.number("drift");
    var.locs.set("persistence", v.loc("persistence"));
    var.locs.set("drift", v.loc("drift"));
    claims(v);
    v.done();
  }
  for (const auto& var : spec_.variables)
    if (!seen.count(var.name))
      throw InputError(SourceLoc{file, 0, 0},
                       "no [[variable]] dynamics for state variable '" + var.name +
                           "' (every variable states its persistence and drift)");
  for (const toml::table* t : tables_of(f, "cross", true)) {
    Fields c(*t, file, "[[cross]]");
    CrossEffect ce;
    ce.loc = c.loc();
    ce.from = variable(c, "from").name;
    const Variable& to = variable(c, "to");
    ce.to = to.name;
    if (to.kind != VarKind::continuous)
      c.fail("to", "cross effects cannot move the flag or level '" + to.name + "'");
    if (ce.from == ce.to) c.fail("to", "a variable's own persistence belongs in [[variable]]");
    ce.coef = c.number("coef");
    ce.locs.set("coef", c.loc("coef"));
    ce.claims = claims(c);
    c.done();
    spec_.cross_effects.push_back(ce);
  }
  for (const toml::table* t : tables_of(f, "effect", true)) {
    Fields e(*t, file, "[[effect]]");
    Effect eff;
    eff.loc = e.loc();
    const Actor& a = actor(e, "actor", true);
    const Track& tr = track(e, "track", a);
    const Option& o = option(e, "option", a, tr);
    const Variable& var = variable(e, "variable");
    eff.actor = a.id;
    eff.track = tr.id;
    eff.option = o.id;
    eff.variable = var.name;
    const int modes = e.has("each_step") + e.has("on_enter") + e.has("set");
    if (modes != 1)
      e.fail("variable", "an [[effect]] has exactly one of each_step, on_enter or set");
    if (e.has("set")) {
      eff.mode = EffectMode::set;
      eff.value.offset = e.number("set");  // within the variable's range: params.cpp
      eff.value.locs.set("offset", e.loc("set"));
    } else if (e.has("on_enter")) {
      eff.mode = EffectMode::on_enter;
      eff.value.offset = e.number("on_enter");
      eff.value.locs.set("offset", e.loc("on_enter"));
    } else {
      // A number, or a linear form of the state: the effect's size depends on the world
      // (e.g. sanctions follow support to Russia more when NATO is looking, V12).
      eff.mode = EffectMode::each_step;
      eff.value = read_linear_form(e, e.required("each_step"), "each_step", spec_);
    }
    if (var.kind != VarKind::continuous && eff.mode != EffectMode::set)
      e.fail("variable", "options change the flag or level '" + var.name + "' only with set");
    eff.claims = claims(e);
    e.done();
    spec_.effects.push_back(eff);
  }
  // A variable that an option sets belongs to that actor alone: adds from other options
  // or a second actor's set would make the anticipated state ill-defined.
  for (const auto& a : spec_.effects)
    for (const auto& b : spec_.effects) {
      if (&a == &b || a.variable != b.variable) continue;
      if (a.mode == EffectMode::set &&
          (b.mode != EffectMode::set || b.actor != a.actor || b.track != a.track))
        throw InputError(b.loc, "'" + a.variable + "' is set by " + a.actor + "." + a.track +
                                    " options: no other option may change it");
      if (a.actor == b.actor && a.track == b.track && a.option == b.option && a.mode == b.mode)
        if (&a < &b)
          throw InputError(b.loc, "duplicate effect of '" + a.option + "' on '" + a.variable + "'");
    }
  f.done();
}

void ModelLoader::load_rules() {
  std::string file;
  const toml::table root = open("rules.toml", file);
  Fields f(root, file, "rules.toml");
  const auto resolve = condition_resolver(spec_);
  for (const toml::table* t : tables_of(f, "rule", false)) {
    Fields r(*t, file, "[[rule]]");
    Rule rule;
    rule.loc = r.loc();
    rule.id = r.string("id");
    r = Fields(*t, file, "[[rule]] '" + rule.id + "'");
    r.string("id");
    rule.actor = actor(r, "actor", false).id;
    rule.kind = r.string("kind");
    static const std::set<std::string> kinds = {"treaty", "red_line", "reactive", "pressure",
                                                "dynamics"};
    if (!kinds.count(rule.kind))
      r.fail("kind", "'kind' in " + r.what() +
                         ": expected treaty, red_line, reactive, pressure or dynamics");
    rule.description = r.string("description");
    rule.when_text = r.string("when");
    rule.when = Expr::parse(rule.when_text, r.loc("when"), resolve);
    if (r.has("probability") && r.has("probability_metric"))
      r.fail("probability_metric", "give probability or probability_metric, not both");
    if (r.has("probability_metric")) {
      rule.probability_metric = r.string("probability_metric");
      if (!spec_.find_metric(rule.probability_metric))
        r.fail("probability_metric", "unknown metric '" + rule.probability_metric + "'");
    } else {
      rule.probability = r.number("probability");
      rule.locs.set("probability", r.loc("probability"));
    }
    rule.set = read_assignments(r, "set", spec_, true);
    rule.add = read_assignments(r, "add", spec_, true);
    rule.add_each_step = read_assignments(r, "add_each_step", spec_, true);
    if (const toml::node* d = r.optional("demand")) {
      const auto* dt = d->as_table();
      if (!dt) r.fail(*d, "'demand' in " + r.what() + ": expected a table");
      Fields df(*dt, file, "'demand' of rule '" + rule.id + "'");
      Demand demand;
      demand.loc = df.loc();
      const Actor& a = actor(df, "actor", true);
      const Track& tr = track(df, "track", a);
      demand.actor = a.id;
      demand.track = tr.id;
      // Parameters: the level's range ([1, the track's top level]) is the schema's (params.cpp).
      demand.level = read_whole_parameter(df, "level");
      demand.severity = read_linear_form(df, df.required("severity"), "severity", spec_);
      demand.severity_max = df.number("severity_max");
      for (const char* key : {"level", "severity_max"}) demand.locs.set(key, df.loc(key));
      demand.priority = df.string("priority");
      if (df.has("credibility")) {
        // Ranging within [0, 1]: a constraint on the variable's bounds (params.cpp).
        demand.credibility = variable(df, "credibility").name;
        demand.locs.set("credibility", df.loc("credibility"));
      }
      df.done();
      rule.demand = demand;
    }
    if (r.has("class")) rule.escalation_class = read_escalation_class(r, "class", spec_);
    if (rule.set.empty() && rule.add.empty() && rule.add_each_step.empty() && !rule.demand)
      r.fail("when", "rule '" + rule.id + "' does nothing: give set, add, add_each_step or demand");
    rule.claims = claims(r);
    r.done();
    spec_.rules.push_back(std::move(rule));
  }
  unique(
      spec_.rules, [](const auto& r) { return r.id; }, "rule");
  f.done();
}

void ModelLoader::load_views() {
  std::string file;
  const toml::table root = open("views.toml", file);
  Fields f(root, file, "views.toml");
  for (const toml::table* t : tables_of(f, "view", false)) {
    Fields v(*t, file, "[[view]]");
    View view;
    view.loc = v.loc();
    view.name = v.string("name");
    view.dispute = v.string("dispute");
    view.description = v.string("description");
    view.claims = claims(v);
    for (const toml::table* ot : tables_of(v, "override", false)) {
      Fields o(*ot, file, "[[view.override]] of '" + view.name + "'");
      view.overrides.push_back(read_override(o, spec_));
    }
    v.done();
    spec_.views.push_back(view);
  }
  unique(
      spec_.views, [](const auto& v) { return v.name; }, "view");
  f.done();
}

}  // namespace stancesim
