// Every rule of the project's model fires when its condition holds, logs an event with its
// claims, and does what it says: `set` values land in the state, demands cost the actor.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
struct RuleCase {
  std::string rule;
  std::vector<std::string> sets;  // --set overrides that make the condition true at step 1
  std::string pin;                // optional [[pin]] body for a condition on an actor's choice
  int step = 1;                   // step at which the rule must fire
};

const std::vector<RuleCase>& cases() {
  static const std::vector<RuleCase> all = {
      {"ru_nk_pact_scope_breach", {"variable.nk_theatre.initial=3"}, "", 1},
      {"cn_nk_alliance_far_east", {"variable.peninsula_clash.initial=1"}, "", 1},
      {"nk_nuclear_test_red_line",
       {"variable.nk_test_recency.initial=1", "variable.nk_nuclear_tests.initial=1"},
       "",
       1},
      {"russia_nuclear_escalation", {"variable.ru_nuc_tech.initial=0.3"}, "", 1},
      {"us_threat_to_peninsula", {"variable.us_action_vs_nk.initial=1"}, "", 1},
      {"deployment_strain", {}, "", 1},
      {"deployment_clock", {}, "", 1},
      {"kursk_counteroffensive", {}, "", 1},
      {"peninsula_clash_hazard", {"metric.p_war_peninsula.offset=40"}, "", 1},
      {"ceasefire_from_talks",
       {"rule.ceasefire_from_talks.probability=1"},
       "actor = \"russia\"\ntrack = \"deployment\"\noption = \"seek_talks\"\nstep = 1\n",
       2},
      {"acknowledged_deployment_costs", {"variable.ru_nk_acknowledged.initial=1"}, "", 1},
      {"ukraine_fights_nk", {}, "", 1},
      {"us_weapon_limits_lifted", {}, "", 1},
      {"us_presses_china", {}, "", 1},
      {"us_secondary_sanctions", {"variable.cn_support_ru.initial=0.85"}, "", 1},
      {"us_pretext_action",
       {"variable.nk_theatre.initial=3", "rule.us_pretext_action.probability=1"},
       "",
       1},
      {"us_strike",
       {"variable.peninsula_clash.initial=1", "variable.us_action_vs_nk.initial=1",
        "rule.us_strike.probability=1"},
       "",
       1},
      {"rok_defensive_weapons", {"rule.rok_defensive_weapons.probability=1"}, "", 1},
      {"rok_offensive_weapons",
       {"variable.nk_theatre.initial=3", "rule.rok_offensive_weapons.probability=1"},
       "",
       1},
      {"nato_links_theatres", {}, "", 1},
      {"eu_presses_china", {"variable.cn_support_ru.initial=0.65"}, "", 1},
      {"japan_hardens", {"variable.peninsula_tension.initial=0.7"}, "", 1},
      {"japan_nuclear_test", {"variable.nk_test_recency.initial=1"}, "", 1},
      {"ru_sends_nk_into_ukraine",
       {"rule.ru_sends_nk_into_ukraine.probability=1"},
       "actor = \"russia\"\ntrack = \"deployment\"\noption = \"use_nk_in_ukraine\"\nstep = 1\n",
       2},
  };
  return all;
}
}  // namespace

TEST_CASE("every rule of the model has a firing case below") {
  const LoadedScenario loaded = load_scenario(source_dir() + "/scenarios/baseline.toml", {});
  std::set<std::string> covered;
  for (const auto& c : cases()) covered.insert(c.rule);
  for (const auto& r : loaded.model.rules) {
    CAPTURE(r.id);
    CHECK(covered.count(r.id) == 1);
  }
}

TEST_CASE("each rule of the model fires on its condition and acts") {
  for (const auto& c : cases()) {
    CAPTURE(c.rule);
    Scratch scratch("rules");
    std::string text =
        "[scenario]\nname = \"case\"\ndescription = \"rule test\"\nclaims = [\"U01\"]\nsteps = 3\n";
    if (!c.pin.empty())
      text += "\n[[pin]]\n" + c.pin + "rationale = \"test\"\nclaims = [\"U01\"]\n";
    write_file(scratch.path() / "case.toml", text);
    ScenarioOptions options;
    options.model_dir = source_dir() + "/model";
    options.sets = c.sets;
    const LoadedScenario loaded = load_scenario((scratch.path() / "case.toml").string(), options);
    const CompiledModel model = compile(loaded.model, loaded.scenario);
    Simulator sim(model);
    RunRecord r;
    sim.run(1, 0, true, r);

    int index = -1;
    for (std::size_t i = 0; i < model.rules.size(); ++i)
      if (model.rules[i].id == c.rule) index = static_cast<int>(i);
    REQUIRE(index >= 0);
    int fired_at = -1;
    for (const auto& e : r.events)
      if (!e.shock && e.source == index && fired_at < 0) fired_at = e.step;
    CHECK(fired_at == c.step);
    const Rule& spec = loaded.model.rules[static_cast<std::size_t>(index)];
    CHECK(!model.rules[static_cast<std::size_t>(index)].claims.empty());

    // A set lands in the state of the step it fired (nothing else moves these flags and levels).
    for (const auto& a : spec.set) {
      const int column = model.column(a.variable);
      REQUIRE(column >= 0);
      CHECK(r.state_row(c.step)[column] == a.value.offset);
    }
    // A demand costs its actor something for some option, under the demand's priority.
    if (spec.demand) {
      int actor = 0;
      while (model.actors[static_cast<std::size_t>(actor)].id != spec.demand->actor) ++actor;
      std::size_t priority = 0;
      while (model.priorities[priority] != spec.demand->priority) ++priority;
      const std::size_t np = model.priorities.size();
      double worst = 0;
      for (int j = 0; j < model.actors[static_cast<std::size_t>(actor)].n_joint; ++j)
        worst = std::min(worst, r.utilities[static_cast<std::size_t>(
                                                (c.step - 1) * r.utility_stride +
                                                r.utility_offset[static_cast<std::size_t>(actor)]) +
                                            static_cast<std::size_t>(j) * (np + 1) + priority]);
      CHECK(worst < 0);
    }
  }
}
