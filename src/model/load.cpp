#include "model/load.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/sha256.hpp"
#include "core/text.hpp"

namespace stancesim {

namespace fs = std::filesystem;

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
  LinearForm form;
  if (node.is_number()) {
    form.offset = f.number_at(node, key, -1e12, 1e12);
    return form;
  }
  const auto* t = node.as_table();
  if (!t)
    f.fail(node, "'" + std::string(key) + "' in " + f.what() +
                     ": expected a number or a table of variable = coefficient");
  for (auto&& [k, v] : *t) {
    const std::string name(k.str());
    const double coef = f.number_at(v, std::string(key) + "." + name, -1e12, 1e12);
    if (name == "offset") {
      form.offset = coef;
      continue;
    }
    if (!spec.find_variable(name))
      throw InputError(loc_of(k.source(), f.file()), "unknown state variable '" + name + "' in '" +
                                                         std::string(key) + "' of " + f.what());
    form.inputs.emplace_back(name, coef);
  }
  return form;
}

std::vector<Assignment> read_assignments(Fields& f, std::string_view key, const ModelSpec& spec) {
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
                                                         std::string(key) + "' of " + f.what());
    Assignment a;
    a.variable = name;
    a.loc = loc_of(v, f.file());
    a.value = read_linear_form(f, v, std::string(key) + "." + name, spec);
    if (var->kind != VarKind::continuous &&
        (!a.value.inputs.empty() || a.value.offset != std::floor(a.value.offset)))
      f.fail(v, "'" + name + "' is a flag or level: expected a whole number");
    if (key == "set" && a.value.inputs.empty() &&
        (a.value.offset < var->min || a.value.offset > var->max))
      f.fail(v, "'set." + name + "' is outside the variable's range [" + num(var->min) + ", " +
                    num(var->max) + "]");
    out.push_back(a);
  }
  return out;
}

namespace {

// Reads a CSV of id,source,paraphrase with RFC 4180 quoting.
std::map<std::string, std::string> read_claims_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path, 0, 0}, "cannot open file");
  std::map<std::string, std::string> claims;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          fields.back() += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          fields.back() += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    if (line_no == 1) {
      if (line != "id,source,paraphrase")
        throw InputError(SourceLoc{path, 1, 1}, "expected the header 'id,source,paraphrase'");
      continue;
    }
    if (quoted || fields.size() != 3 || fields[0].empty() || fields[2].empty())
      throw InputError(SourceLoc{path, line_no, 1},
                       "expected three fields: id, source and a non-empty paraphrase");
    if (!claims.emplace(fields[0], fields[2]).second)
      throw InputError(SourceLoc{path, line_no, 1}, "duplicate claim id '" + fields[0] + "'");
  }
  return claims;
}

class ModelLoader {
 public:
  explicit ModelLoader(const std::string& dir) { spec_.dir = dir; }

  ModelSpec run() {
    const std::string claims_path = path("claims.csv");
    spec_.claims = read_claims_csv(claims_path);
    spec_.files.push_back({claims_path, sha256_file(claims_path)});
    load_model_file();
    load_state();
    load_derived();
    load_actors();
    load_utility();
    load_dynamics();
    load_rules();
    load_views();
    return std::move(spec_);
  }

 private:
  std::string path(const std::string& name) const { return (fs::path(spec_.dir) / name).string(); }

  toml::table open(const std::string& name, std::string& file) {
    file = path(name);
    toml::table t = parse_toml_file(file);
    spec_.files.push_back({file, sha256_file(file)});
    return t;
  }

  Claims claims(Fields& f) { return f.claims(spec_.claims, path("claims.csv")); }

  template <class T, class Name>
  void unique(const std::vector<T>& items, const Name& name, const std::string& what) {
    std::set<std::string> seen;
    for (const auto& item : items)
      if (!seen.insert(name(item)).second)
        throw InputError(item.loc, "duplicate " + what + " '" + name(item) + "'");
  }

  const Variable& variable(Fields& f, std::string_view key) {
    const std::string name = f.string(key);
    const Variable* v = spec_.find_variable(name);
    if (!v) f.fail(key, "unknown state variable '" + name + "' in " + f.what());
    return *v;
  }

  const Actor& actor(Fields& f, std::string_view key, bool deciding_only) {
    const std::string id = f.string(key);
    const Actor* a = spec_.find_actor(id);
    if (!a) f.fail(key, "unknown actor '" + id + "' in " + f.what());
    if (deciding_only && !a->deciding)
      f.fail(key, "actor '" + id + "' in " + f.what() + " is reactive: expected a deciding actor");
    return *a;
  }

  const Track& track(Fields& f, std::string_view key, const Actor& a) {
    const std::string id = f.string(key);
    const Track* t = find_track(a, id);
    if (!t) f.fail(key, "unknown track '" + id + "' of actor '" + a.id + "' in " + f.what());
    return *t;
  }

  const Option& option(Fields& f, std::string_view key, const Actor& a, const Track& t) {
    const std::string id = f.string(key);
    const Option* o = find_option(t, id);
    if (!o)
      f.fail(key,
             "unknown option '" + id + "' on track '" + a.id + "." + t.id + "' in " + f.what());
    return *o;
  }

  void load_model_file() {
    std::string file;
    const toml::table root = open("model.toml", file);
    Fields f(root, file, "model.toml");
    spec_.schema_version = f.integer("schema_version", 1, 1000);
    if (spec_.schema_version != 1)
      f.fail("schema_version", "schema_version " + std::to_string(spec_.schema_version) +
                                   " is not supported: this stancesim reads schema_version 1");
    {
      Fields clock(f.table("clock"), file, "[clock]");
      const toml::node& d = clock.required("start_date");
      const auto* date = d.as_date();
      if (!date) clock.fail(d, "'start_date' in [clock]: expected a date such as 2024-11-04");
      spec_.start_date = Date{date->get().year, date->get().month, date->get().day};
      spec_.default_steps = clock.integer("default_steps", 1, 520);
      claims(clock);
      clock.done();
    }
    for (const toml::table* t : tables_of(f, "escalation_class", false)) {
      Fields c(*t, file, "[[escalation_class]]");
      EscalationClass ec;
      ec.loc = c.loc();
      ec.name = c.string("name");
      ec.weight = c.number("weight", -1000, 1000);
      ec.claims = claims(c);
      c.done();
      spec_.escalation_classes.push_back(ec);
    }
    unique(
        spec_.escalation_classes, [](const auto& c) { return c.name; }, "escalation class");
    f.done();
  }

  void load_state() {
    std::string file;
    const toml::table root = open("state.toml", file);
    Fields f(root, file, "state.toml");
    for (const toml::table* t : tables_of(f, "variable", false)) {
      Fields v(*t, file, "[[variable]]");
      Variable var;
      var.loc = v.loc();
      var.name = v.string("name");
      const std::string kind = v.string("kind");
      if (kind == "continuous")
        var.kind = VarKind::continuous;
      else if (kind == "flag")
        var.kind = VarKind::flag;
      else if (kind == "level")
        var.kind = VarKind::level;
      else
        v.fail("kind", "'kind' in [[variable]] '" + var.name +
                           "': expected continuous, flag or level, found '" + kind + "'");
      v = Fields(*t, file, "[[variable]] '" + var.name + "'");
      v.string("name");
      v.string("kind");
      var.description = v.string("description");
      var.min = v.number("min");
      var.max = v.number("max");
      if (var.max <= var.min) v.fail("max", "'max' must be greater than 'min' in " + v.what());
      var.initial = v.number("initial", var.min, var.max);
      var.noise = v.number("noise", 0, var.max - var.min);
      if (var.kind != VarKind::continuous) {
        if (var.noise != 0) v.fail("noise", "a " + kind + " variable has no noise: expected 0");
        if (var.initial != std::floor(var.initial))
          v.fail("initial", "a " + kind + " variable takes whole values");
        if (var.kind == VarKind::flag && (var.min != 0 || var.max != 1))
          v.fail("max", "a flag ranges over [0, 1]");
      }
      var.claims = claims(v);
      v.done();
      spec_.variables.push_back(var);
    }
    unique(
        spec_.variables, [](const auto& v) { return v.name; }, "state variable");
    f.done();
  }

  void load_derived() {
    std::string file;
    const toml::table root = open("derived.toml", file);
    Fields f(root, file, "derived.toml");
    for (const toml::table* t : tables_of(f, "metric", false)) {
      Fields m(*t, file, "[[metric]]");
      Metric metric;
      metric.loc = m.loc();
      metric.name = m.string("name");
      if (spec_.find_variable(metric.name))
        m.fail("name", "metric '" + metric.name + "' has the name of a state variable");
      metric.description = m.string("description");
      metric.shape = read_shape(m, "shape");
      metric.form = read_linear_form(m, m.required("inputs"), "inputs", spec_);
      metric.claims = claims(m);
      m.done();
      spec_.metrics.push_back(metric);
    }
    unique(
        spec_.metrics, [](const auto& v) { return v.name; }, "metric");
    f.done();
  }

  Option read_option(Fields& parent, const toml::node& node, const std::string& where) {
    const auto* t = node.as_table();
    if (!t)
      parent.fail(node, "expected an option table { id = ..., level = ..., ... } in " + where);
    Fields o(*t, parent.file(), "option in " + where);
    Option opt;
    opt.loc = o.loc();
    opt.id = o.string("id");
    opt.level = o.integer("level", -10, 10);
    opt.escalation_class = o.string("class");
    bool known = false;
    for (const auto& c : spec_.escalation_classes) known = known || c.name == opt.escalation_class;
    if (!known)
      o.fail("class",
             "unknown escalation class '" + opt.escalation_class + "' of option '" + opt.id + "'");
    opt.cameo = o.string("cameo");
    opt.goldstein = o.number("goldstein", -10, 10);
    opt.kahn = o.integer("kahn", 0, 44);
    opt.target = o.string("target");
    opt.escalatory = o.boolean("escalatory");
    o.done();
    return opt;
  }

  void load_actors() {
    std::string file;
    const toml::table root = open("actors.toml", file);
    Fields f(root, file, "actors.toml");
    for (const toml::table* t : tables_of(f, "actor", false)) {
      Fields a(*t, file, "[[actor]]");
      Actor actor;
      actor.loc = a.loc();
      actor.id = a.string("id");
      a = Fields(*t, file, "[[actor]] '" + actor.id + "'");
      a.string("id");
      const std::string kind = a.string("kind");
      if (kind != "deciding" && kind != "reactive")
        a.fail("kind", "'kind' in " + a.what() + ": expected deciding or reactive");
      actor.deciding = kind == "deciding";
      actor.description = a.string("description");
      actor.claims = claims(a);
      if (actor.deciding) {
        actor.lambda = a.number("lambda", 0, 1000);
        actor.kappa = a.number("kappa", 0, 1000);
        actor.horizon = a.number("horizon", 1, 104);
        for (const toml::table* tt : tables_of(a, "track", false)) {
          Fields tr(*tt, file, "[[actor.track]] of '" + actor.id + "'");
          Track track;
          track.loc = tr.loc();
          track.id = tr.string("id");
          const std::string where = "track '" + actor.id + "." + track.id + "'";
          for (const toml::node& n : tr.array("options"))
            track.options.push_back(read_option(tr, n, where));
          if (track.options.empty()) tr.fail("options", where + " has no options");
          unique(
              track.options, [](const auto& o) { return o.id; }, "option in " + where);
          track.initial = tr.string("initial");
          if (!find_option(track, track.initial))
            tr.fail("initial",
                    "initial option '" + track.initial + "' is not an option of " + where);
          track.claims = claims(tr);
          tr.done();
          actor.tracks.push_back(track);
        }
        unique(
            actor.tracks, [](const auto& tr) { return tr.id; }, "track of '" + actor.id + "'");
      }
      a.done();
      spec_.actors.push_back(actor);
    }
    unique(
        spec_.actors, [](const auto& a) { return a.id; }, "actor");
    for (const auto& a : spec_.actors)
      for (const auto& t : a.tracks)
        for (const auto& o : t.options)
          if (!spec_.find_actor(o.target))
            throw InputError(o.loc,
                             "unknown target actor '" + o.target + "' of option '" + o.id + "'");
    for (const toml::table* t : tables_of(f, "leverage", true)) {
      Fields l(*t, file, "[[leverage]]");
      Leverage lev;
      lev.loc = l.loc();
      const Actor& a = actor(l, "actor", true);
      lev.actor = a.id;
      const Track& tr = track(l, "track", a);
      lev.track = tr.id;
      lev.variable = variable(l, "variable").name;
      for (const toml::node& n : l.array("targets")) {
        const std::string id = l.string_at(n, "targets");
        const Actor* target = spec_.find_actor(id);
        if (!target || !target->deciding)
          l.fail(n, "leverage target '" + id + "' is not a deciding actor");
        lev.targets.push_back(id);
      }
      for (auto&& [k, v] : l.table("damping")) {
        const std::string id(k.str());
        if (!find_option(tr, id))
          throw InputError(loc_of(k.source(), file), "unknown option '" + id + "' on track '" +
                                                         a.id + "." + tr.id + "' in damping");
        lev.damping.emplace_back(id, l.number_at(v, "damping." + id, 0, 1));
      }
      lev.max_damping = l.number("max_damping", 0, 1);
      lev.claims = claims(l);
      l.done();
      spec_.leverage.push_back(lev);
    }
    f.done();
  }

  void load_utility() {
    std::string file;
    const toml::table root = open("utility.toml", file);
    Fields f(root, file, "utility.toml");
    for (const toml::table* t : tables_of(f, "term", false)) {
      Fields tf(*t, file, "[[term]]");
      Term term;
      term.loc = tf.loc();
      const Actor& a = actor(tf, "actor", true);
      term.actor = a.id;
      term.id = tf.string("id");
      tf = Fields(*t, file, "[[term]] '" + term.actor + "." + term.id + "'");
      tf.string("actor");
      tf.string("id");
      term.priority = tf.string("priority");
      term.description = tf.string("description");
      term.weight = tf.number("weight");
      const std::string kind = tf.string("kind");
      if (kind == "choice") {
        term.is_choice = true;
        const Track& tr = track(tf, "track", a);
        term.track = tr.id;
        for (auto&& [k, v] : tf.table("values")) {
          const std::string id(k.str());
          if (!find_option(tr, id))
            throw InputError(loc_of(k.source(), file), "unknown option '" + id + "' on track '" +
                                                           a.id + "." + tr.id + "' in " +
                                                           tf.what());
          term.values.emplace_back(id, tf.number_at(v, "values." + id, -1e6, 1e6));
        }
      } else if (kind == "feature") {
        if (tf.has("metric")) {
          term.metric = tf.string("metric");
          if (!spec_.find_metric(term.metric))
            tf.fail("metric", "unknown metric '" + term.metric + "' in " + tf.what());
        } else {
          term.shape = read_shape(tf, "shape");
          term.form = read_linear_form(tf, tf.required("inputs"), "inputs", spec_);
        }
      } else {
        tf.fail("kind",
                "'kind' in " + tf.what() + ": expected feature or choice, found '" + kind + "'");
      }
      term.claims = claims(tf);
      tf.done();
      spec_.terms.push_back(term);
    }
    std::set<std::string> seen;
    for (const auto& t : spec_.terms)
      if (!seen.insert(t.actor + "." + t.id).second)
        throw InputError(t.loc, "duplicate term '" + t.actor + "." + t.id + "'");
    f.done();
  }

  void load_dynamics() {
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
      var.persistence = v.number("persistence", 0, 1.5);
      var.drift = v.number("drift");
      if (var.kind != VarKind::continuous && (var.persistence != 1 || var.drift != 0))
        v.fail("persistence",
               "'" + name + "' is a flag or level: it keeps its value (persistence 1, drift 0)");
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
        eff.value = e.number("set", var.min, var.max);
      } else if (e.has("on_enter")) {
        eff.mode = EffectMode::on_enter;
        eff.value = e.number("on_enter");
      } else {
        eff.mode = EffectMode::each_step;
        eff.value = e.number("each_step");
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
            throw InputError(b.loc,
                             "duplicate effect of '" + a.option + "' on '" + a.variable + "'");
      }
    f.done();
  }

  void load_rules() {
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
        rule.probability = r.number("probability", 0, 1);
      }
      rule.set = read_assignments(r, "set", spec_);
      rule.add = read_assignments(r, "add", spec_);
      rule.add_each_step = read_assignments(r, "add_each_step", spec_);
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
        int top = 0;
        for (const auto& o : tr.options) top = std::max(top, o.level);
        demand.level = df.integer("level", 1, std::max(1, top));
        demand.severity = read_linear_form(df, df.required("severity"), "severity", spec_);
        demand.severity_max = df.number("severity_max", 0, 1e6);
        demand.priority = df.string("priority");
        df.done();
        rule.demand = demand;
      }
      if (rule.set.empty() && rule.add.empty() && rule.add_each_step.empty() && !rule.demand)
        r.fail("when",
               "rule '" + rule.id + "' does nothing: give set, add, add_each_step or demand");
      rule.claims = claims(r);
      r.done();
      spec_.rules.push_back(std::move(rule));
    }
    unique(
        spec_.rules, [](const auto& r) { return r.id; }, "rule");
    f.done();
  }

  void load_views() {
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
        Override ov;
        ov.loc = o.loc("value");
        ov.path_loc = o.loc("path");
        ov.path = o.string("path");
        ov.value = o.number("value");
        ov.rationale = o.string("rationale");
        ov.claims = claims(o);
        o.done();
        view.overrides.push_back(ov);
      }
      v.done();
      spec_.views.push_back(view);
    }
    unique(
        spec_.views, [](const auto& v) { return v.name; }, "view");
    f.done();
  }

  ModelSpec spec_;
};

}  // namespace

ModelSpec load_model(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(SourceLoc{dir, 0, 0}, "model directory not found");
  return ModelLoader(dir).run();
}

}  // namespace stancesim
