// The model description as read from model/: plain data, no behaviour. The engine compiles it
// (engine/compiled.hpp); overrides edit it by parameter path (model/params.hpp) before that.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/error.hpp"
#include "model/expr.hpp"

namespace stancesim {

using Claims = std::vector<std::string>;

// Where an item's numbers were written, by their key in the file ("initial", "weight", an input's
// variable, "offset"), so that a number out of its range is reported at its value. Items built in
// code have none: `of` then falls back to the item's location.
struct ValueLocs {
  std::vector<std::pair<std::string, SourceLoc>> at;
  void set(std::string key, SourceLoc loc) {
    for (auto& [k, l] : at)
      if (k == key) {
        l = std::move(loc);
        return;
      }
    at.emplace_back(std::move(key), std::move(loc));
  }
  SourceLoc of(std::string_view key, const SourceLoc& fallback) const {
    for (const auto& [k, loc] : at)
      if (k == key) return loc;
    return fallback;
  }
};

enum class VarKind { continuous, flag, level };

struct Variable {
  std::string name;
  std::string description;
  VarKind kind = VarKind::continuous;
  double min = 0, max = 1, initial = 0, noise = 0;
  double persistence = 1, drift = 0;  // filled from dynamics.toml
  Claims claims;
  SourceLoc loc;
  SourceLoc dynamics_loc;
  ValueLocs locs;  // min, max, initial, noise (state.toml), persistence, drift (dynamics.toml)
};

// A weighted sum of state variables plus an offset: the argument of every shaped feature.
struct LinearForm {
  std::vector<std::pair<std::string, double>> inputs;
  double offset = 0;
  ValueLocs locs;  // "offset" (the form itself when it has none) and each input's variable
};

// How a linear form z becomes a feature value.
enum class Shape { linear, logistic, hinge, ramp, step };

struct Metric {  // a derived metric defined as data (e.g. p_war_peninsula)
  std::string name;
  std::string description;
  Shape shape = Shape::linear;
  LinearForm form;
  Claims claims;
  SourceLoc loc;
};

struct Option {
  std::string id;
  int level = 0;
  std::string escalation_class;
  std::string cameo;  // "none" when the option is not an event
  double goldstein = 0;
  int kahn = 0;  // 0: not on Kahn's ladder
  std::string target;
  bool escalatory = false;  // damped by China's leverage when the actor is a leverage target
  bool event = false;       // an act, not a position: each week chosen is a new act (a test)
  SourceLoc loc;
};

// Changing a track costs switch_cost (any change) plus kappa * (rungs changed)^2: a convex
// adjustment cost, so large moves unfold over weeks. A track may override its actor's values.
struct Inertia {
  double kappa = 0;
  double switch_cost = 0;
};

struct Track {
  std::string id;
  std::string initial;
  std::vector<Option> options;
  std::optional<Inertia> inertia;  // absent: the actor's
  Claims claims;                   // for the options' levels and scales
  SourceLoc loc;
  ValueLocs locs;  // kappa, switch_cost
};

struct Actor {
  std::string id;
  std::string description;
  bool deciding = false;
  double lambda = 0;  // logit precision
  Inertia inertia;    // per track
  int horizon = 1;    // weeks over which an actor forecasts the effects of options held
  int depth = 1;      // reasoning depth: 1 myopic, d anticipates the others at depth d - 1
  std::vector<Track> tracks;
  Claims claims;
  SourceLoc loc;
  ValueLocs locs;  // lambda, kappa, switch_cost, horizon, depth
};

struct EscalationClass {
  std::string name;
  double weight = 0;
  Claims claims;
  SourceLoc loc;
  ValueLocs locs;  // weight
};

// One utility term of a deciding actor. A feature term values the anticipated state through a
// shaped linear form (or a named metric); a choice term values the actor's own option on a track.
struct Term {
  std::string actor;
  std::string id;
  std::string priority;
  bool is_choice = false;
  Shape shape = Shape::linear;
  LinearForm form;
  std::string metric;                                  // non-empty: the feature is this metric
  std::string track;                                   // choice terms
  std::vector<std::pair<std::string, double>> values;  // choice terms: option -> value
  double weight = 0;
  std::string description;
  Claims claims;
  SourceLoc loc;
  ValueLocs locs;  // weight, "values.<option>"
};

enum class EffectMode { each_step, on_enter, set };

struct Effect {  // an option's effect on one variable (a column of B, or an assignment)
  std::string actor, track, option, variable;
  EffectMode mode = EffectMode::each_step;
  LinearForm value;  // a number (offset), or for each_step a linear form of the state
  Claims claims;
  SourceLoc loc;
};

struct CrossEffect {  // an off-diagonal entry of A: to_{t+1} += coef * from_t
  std::string from, to;
  double coef = 0;
  Claims claims;
  SourceLoc loc;
  ValueLocs locs;  // coef
};

// A value a rule adds or sets: a constant plus a linear form of the state.
struct Assignment {
  std::string variable;
  LinearForm value;
  SourceLoc loc;
};

// While a rule is active, the actor pays severity * max(0, level - r) / level for choosing an
// option of level r below the required level (an audience cost, Fearon).
// Other actors anticipating the demand weigh its severity by `credibility` (a state variable in
// [0, 1], e.g. the reputation a red line has earned); empty: full severity.
struct Demand {
  std::string actor, track;
  int level = 1;
  LinearForm severity;
  double severity_max = 0;
  std::string priority;
  std::string credibility;
  SourceLoc loc;
  ValueLocs locs;  // level, severity_max, credibility
};

struct Rule {
  std::string id;
  std::string actor;  // who acts, or whose line it is
  std::string kind;   // treaty, red_line, reactive, pressure, dynamics
  std::string description;
  std::string when_text;
  Expr when;
  double probability = 1;                 // chance per step that an armed rule fires
  std::string probability_metric;         // if set, the chance is this metric's value
  std::vector<Assignment> set;            // applied once when the rule fires
  std::vector<Assignment> add;            // applied once when the rule fires
  std::vector<Assignment> add_each_step;  // applied every step while active
  std::optional<Demand> demand;
  std::string escalation_class;  // scored in escalation_index when the rule fires; empty: none
  Claims claims;
  SourceLoc loc;
  ValueLocs locs;  // probability
};

// An actor's options on one track damp the escalatory options of its targets (R27): "actor" for
// all of an actor's tracks, "actor.track" for one.
struct Leverage {
  std::string actor, track, variable;
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, double>> damping;  // option -> damping at leverage 1
  double max_damping = 0.95;
  Claims claims;
  SourceLoc loc;
  ValueLocs locs;  // max_damping, "damping.<option>"
};

struct Override {  // one parameter change, from a view, a scenario or --set
  std::string path;
  double value = 0;
  std::string rationale;
  Claims claims;
  SourceLoc loc;       // of the value
  SourceLoc path_loc;  // of the path (empty for --set)
};

struct View {
  std::string name;
  std::string dispute;  // the contested question; views of one dispute are alternatives
  std::string description;
  std::vector<Override> overrides;
  Claims claims;
  SourceLoc loc;
};

struct ReadFile {  // every file read, for the manifest
  std::string path;
  std::string sha256;
};

struct ModelSpec {
  std::string dir;
  int schema_version = 2;
  Date start_date{};
  int default_steps = 26;
  int escalation_memory = 8;  // weeks: a move scores only beyond the levels held this long
  ValueLocs locs;             // clock.default_steps, escalation_index.memory_weeks
  std::vector<Variable> variables;
  std::vector<Metric> metrics;
  std::vector<EscalationClass> escalation_classes;
  std::vector<Actor> actors;
  std::vector<Term> terms;
  std::vector<Effect> effects;
  std::vector<CrossEffect> cross_effects;
  std::vector<Rule> rules;
  std::vector<Leverage> leverage;
  std::vector<View> views;
  std::map<std::string, std::string> claims;  // id -> paraphrase, from model/claims.csv
  std::vector<ReadFile> files;

  const Variable* find_variable(const std::string& name) const;
  const Actor* find_actor(const std::string& id) const;
  const Metric* find_metric(const std::string& name) const;
};

const Track* find_track(const Actor& actor, const std::string& id);
const Option* find_option(const Track& track, const std::string& id);

}  // namespace stancesim
