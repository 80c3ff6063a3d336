// A what-if: which model, which view, what changes, what happens (shocks) and what is forced
// (pins).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/spec.hpp"

namespace stancesim {

// A shock changes state variables at the start of a step, before rules and decisions.
struct Shock {
  std::string id;
  std::string description;
  int from = 1, to = 1;    // steps, inclusive
  double probability = 1;  // chance per step within [from, to]
  std::string when_text;   // optional condition on the state
  Expr when;
  bool once = false;  // fire at most once per run
  std::vector<Assignment> set, add;
  std::string escalation_class;  // scored in escalation_index when it fires; empty: none
  Claims claims;
  SourceLoc loc;
  SourceLoc id_loc;
  SourceLoc steps_loc;  // of step / steps
};

// A pin forces an actor's option on one track over a range of steps.
struct Pin {
  std::string actor, track, option;
  int from = 1, to = 1;
  std::string rationale;
  Claims claims;
  SourceLoc loc;
  SourceLoc steps_loc;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;
  Claims claims;
  int steps = 0;
  int runs = 0;
  std::uint64_t seed = 1;
  std::vector<std::string> views;
  std::vector<std::string> chain;   // files read, from the root of `extends` to this one
  std::vector<Override> overrides;  // view overrides first, then files in chain order, then --set
  std::vector<Shock> shocks;
  std::vector<Pin> pins;
};

struct ScenarioOptions {
  std::string model_dir;           // empty: <scenario dir>/../model
  std::vector<std::string> views;  // --view: replaces the file's view
  std::vector<std::string> sets;   // --set PATH=VALUE: applied last
  // PATH=VALUE for a variant of the model (robustness sets, null models): applied first, before
  // the views and the scenario's overrides, so a what-if still asks its own question.
  std::vector<std::string> model_sets;
  // --claims FILE: files of [[claim]] tables, the user's own claims (see register_user_claims).
  std::vector<std::string> claims_files = {};
};

// Loads the scenario and its model, applies views and overrides, and validates the result.
struct LoadedScenario {
  ModelSpec model;
  Scenario scenario;
};
LoadedScenario load_scenario(const std::string& path, const ScenarioOptions& options);

}  // namespace stancesim
