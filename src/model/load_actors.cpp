// Loading actors.toml and utility.toml.
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "core/limits.hpp"
#include "model/model_loader.hpp"

namespace stancesim {

namespace {
// Parameters are read as finite numbers: their ranges are the schema's (params.cpp).
constexpr double kAny = std::numeric_limits<double>::infinity();
}  // namespace

Option ModelLoader::read_option(Fields& parent, const toml::node& node, const std::string& where) {
  const auto* t = node.as_table();
  if (!t) parent.fail(node, "expected an option table { id = ..., level = ..., ... } in " + where);
  Fields o(*t, parent.file(), "option in " + where);
  Option opt;
  opt.loc = o.loc();
  opt.id = o.string("id");
  opt.level = o.integer("level", -10, 10);
  opt.escalation_class = read_escalation_class(o, "class", spec_);
  opt.cameo = o.string("cameo");
  opt.goldstein = o.number("goldstein", -10, 10);
  opt.kahn = o.integer("kahn", 0, 44);
  opt.target = o.string("target");
  opt.escalatory = o.boolean("escalatory");
  if (o.has("event")) opt.event = o.boolean("event");
  o.done();
  return opt;
}

namespace {
// `kappa` and `switch_cost`: both, or (on a track) neither. Parameters: ranges in params.cpp.
std::optional<Inertia> read_inertia(Fields& f, bool required, ValueLocs& locs) {
  if (!required && !f.has("kappa") && !f.has("switch_cost")) return std::nullopt;
  Inertia in;
  in.kappa = f.number("kappa");
  in.switch_cost = f.number("switch_cost");
  locs.set("kappa", f.loc("kappa"));
  locs.set("switch_cost", f.loc("switch_cost"));
  return in;
}

// A deciding actor chooses among joint options, one option per track: their number, the product
// of the tracks' option counts, is bounded so that compiling and deciding stay tractable. The
// product is taken in 64 bits and stops once past the limit, so it cannot overflow.
void check_joint_options(const Actor& actor) {
  std::int64_t joint = 1;
  for (const Track& t : actor.tracks) {
    joint *= static_cast<std::int64_t>(t.options.size());
    if (joint > limits::kMaxJointOptions) break;
  }
  if (joint <= limits::kMaxJointOptions) return;
  constexpr std::size_t kListed = 16;  // tracks named in the message
  std::string counts;
  for (std::size_t i = 0; i < actor.tracks.size() && i < kListed; ++i)
    counts +=
        (i ? ", " : "") + actor.tracks[i].id + " " + std::to_string(actor.tracks[i].options.size());
  if (actor.tracks.size() > kListed)
    counts += ", ... (" + std::to_string(actor.tracks.size()) + " tracks)";
  throw InputError(actor.loc,
                   "actor '" + actor.id + "' has more than " +
                       std::to_string(limits::kMaxJointOptions) +
                       " joint options (one option per track; options per track: " + counts +
                       "): expected at most " + std::to_string(limits::kMaxJointOptions) +
                       ", the limit on joint options; use fewer tracks or options");
}
}  // namespace

void ModelLoader::load_actors() {
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
      actor.lambda = a.number("lambda");
      actor.inertia = *read_inertia(a, true, actor.locs);
      actor.horizon = read_whole_parameter(a, "horizon");
      actor.depth = read_whole_parameter(a, "depth");
      for (const char* key : {"lambda", "horizon", "depth"}) actor.locs.set(key, a.loc(key));
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
          tr.fail("initial", "initial option '" + track.initial + "' is not an option of " + where);
        track.inertia = read_inertia(tr, false, track.locs);
        track.claims = claims(tr);
        tr.done();
        actor.tracks.push_back(track);
      }
      unique(
          actor.tracks, [](const auto& tr) { return tr.id; }, "track of '" + actor.id + "'");
      check_joint_options(actor);
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
      const std::string actor_id = id.substr(0, id.find('.'));
      const Actor* target = spec_.find_actor(actor_id);
      if (!target || !target->deciding || target->id == a.id)
        l.fail(n, "leverage target '" + id + "' is not another deciding actor (or actor.track)");
      if (actor_id != id && !find_track(*target, id.substr(actor_id.size() + 1)))
        l.fail(n, "unknown track in leverage target '" + id + "'");
      lev.targets.push_back(id);
    }
    for (auto&& [k, v] : l.table("damping")) {
      const std::string id(k.str());
      if (!find_option(tr, id))
        throw InputError(loc_of(k.source(), file), "unknown option '" + id + "' on track '" + a.id +
                                                       "." + tr.id + "' in damping" +
                                                       option_hint(tr, id));
      lev.damping.emplace_back(id, l.number_at(v, "damping." + id, -kAny, kAny));
      lev.locs.set("damping." + id, l.loc(v));
    }
    lev.max_damping = l.number("max_damping");
    lev.locs.set("max_damping", l.loc("max_damping"));
    lev.claims = claims(l);
    l.done();
    spec_.leverage.push_back(lev);
  }
  f.done();
}

void ModelLoader::load_utility() {
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
    term.locs.set("weight", tf.loc("weight"));
    const std::string kind = tf.string("kind");
    if (kind == "choice") {
      term.is_choice = true;
      const Track& tr = track(tf, "track", a);
      term.track = tr.id;
      for (auto&& [k, v] : tf.table("values")) {
        const std::string id(k.str());
        if (!find_option(tr, id))
          throw InputError(loc_of(k.source(), file), "unknown option '" + id + "' on track '" +
                                                         a.id + "." + tr.id + "' in " + tf.what() +
                                                         option_hint(tr, id));
        term.values.emplace_back(id, tf.number_at(v, "values." + id, -kAny, kAny));
        term.locs.set("values." + id, tf.loc(v));
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

}  // namespace stancesim
