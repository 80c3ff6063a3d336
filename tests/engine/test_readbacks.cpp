// Read-backs: what a scripted input or a rule's fixed effect does to the state, checked exactly.
// (They were validation checks in version 1; a wrong model passed them, so they are tests of the
// mechanism instead.) Every deciding actor is frozen at its initial options, so with common random
// numbers the only difference between the two runs is the scripted effect, carried one step by
// the transition: x(t) = A x(t-1) + c + option effects + noise.
#include <doctest/doctest.h>

#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
std::vector<std::string> frozen(std::vector<std::string> sets = {}) {
  for (const char* actor : {"china", "russia", "north_korea"})
    sets.push_back(std::string("actor.") + actor + ".switch_cost=1000");
  sets.push_back("actor.north_korea.track.peninsula.switch_cost=1000");
  return sets;
}

struct Pair {
  CompiledModel with, without;
  RunRecord a, b;
  Pair(const std::string& scenario, const std::vector<std::string>& sets_with,
       const std::string& reference, const std::vector<std::string>& sets_without) {
    const std::string dir = source_dir() + "/scenarios/";
    LoadedScenario x = load_scenario(dir + scenario + ".toml", {{}, {}, frozen(sets_with), {}});
    LoadedScenario y = load_scenario(dir + reference + ".toml", {{}, {}, frozen(sets_without), {}});
    with = compile(x.model, x.scenario);
    without = compile(y.model, y.scenario);
    Simulator(with).run(5, 3, false, a);
    Simulator(without).run(5, 3, false, b);
  }
  double diff(int step, const std::string& name) const {
    return a.state_row(step)[with.column(name)] - b.state_row(step)[without.column(name)];
  }
  double persistence(const std::string& name) const {
    const int v = with.column(name);
    return with.A(v, v);
  }
};
}  // namespace

TEST_CASE("acknowledgment: the rule adds Western pressure and costs China's neutral image") {
  // The shock sets the flag at week 3; the rule fires the same week, before the transition.
  Pair p("acknowledged_deployment", {}, "baseline", {});
  CHECK(p.diff(2, "west_pressure_cn") == 0.0);
  CHECK(p.diff(3, "west_pressure_cn") == doctest::Approx(p.persistence("west_pressure_cn") * 0.1));
  CHECK(p.diff(3, "cn_neutral_rep") == doctest::Approx(p.persistence("cn_neutral_rep") * -0.05));
}

TEST_CASE("Russia displacing China: the shock moves alignment and leverage by what it says") {
  Pair p("russia_displaces_china", {"variable.cn_nk_trade.drift=0.097"}, "baseline", {});
  const double align = p.persistence("ru_nk_align") * 0.15;
  CHECK(p.diff(2, "ru_nk_align") == doctest::Approx(align));
  const int lev = p.with.column("cn_leverage"), ru = p.with.column("ru_nk_align");
  CHECK(p.diff(2, "cn_leverage") ==
        doctest::Approx(p.with.A(lev, lev) * -0.1 + p.with.A(lev, ru) * 0.15));
}

TEST_CASE("pinned punishment pushes Pyongyang to Moscow and strains ties with it, week by week") {
  Pair p("china_punishes_nk", {}, "baseline", {});
  CHECK(p.diff(1, "ru_nk_align") == doctest::Approx(0.02));
  CHECK(p.diff(1, "cn_ru_align") == doctest::Approx(-0.005));
  CHECK(p.diff(1, "cn_nk_trade") == doctest::Approx(-0.07));
  CHECK(p.diff(1, "nk_workers_cn_k") == doctest::Approx(-4.0));
}

TEST_CASE("pinned lethal aid brings sanctions pressure and support past the lethal mark") {
  Pair p("china_lethal_aid", {}, "baseline", {});
  CHECK(p.diff(1, "sanction_pressure_cn") == doctest::Approx(0.015));
  CHECK(p.diff(1, "cn_support_ru") == doctest::Approx(0.03));
}

TEST_CASE("NATO's rule ties the theatres while DPRK troops fight") {
  Pair p("baseline", {}, "baseline", {"rule.nato_links_theatres.probability=0"});
  CHECK(p.diff(1, "nato_indopac_link") == doctest::Approx(0.003));
}

TEST_CASE("a formal NATO link knocks on to sanctions pressure on China, and keeps doing so") {
  // The shock comes before the week's transition, so its knock-on starts that same week: the
  // cross effect, and the sanctions that China's tolerance (silence, frozen here) draws in
  // proportion to NATO's attention (an effect sized by the state).
  Pair p("nato_indo_pacific_formalised", {}, "baseline", {});
  CHECK(p.diff(4, "nato_indopac_link") == doctest::Approx(0.3));
  const int s = p.with.column("sanction_pressure_cn"), n = p.with.column("nato_indopac_link");
  double tolerance = 0;
  for (const auto& t : p.with.actors[0].tracks)
    for (const auto& o : t.options)
      if (o.id == "silence")
        for (const auto& [v, f] : o.each_step_state)
          if (v == s)
            for (const auto& [u, coef] : f.inputs)
              if (u == n) tolerance = coef;
  CHECK(tolerance > 0);
  const double week4 = (p.with.A(s, n) + tolerance) * 0.3;
  CHECK(p.diff(4, "sanction_pressure_cn") == doctest::Approx(week4));
  CHECK(p.diff(5, "sanction_pressure_cn") == doctest::Approx(p.with.A(s, s) * week4 + week4));
}

TEST_CASE("Russian nuclear help raises tension on the peninsula through the cross effect") {
  // The first package (+0.1) arrives in week 2 with the pinned transfers (+0.03 that week).
  Pair p("russia_nuclear_tech_transfer", {}, "baseline", {});
  const int t = p.with.column("peninsula_tension"), r = p.with.column("ru_nuc_tech");
  CHECK(p.diff(2, "peninsula_tension") == doctest::Approx(p.with.A(t, r) * 0.1));
  CHECK(p.diff(2, "ru_nuc_tech") == doctest::Approx(p.with.A(r, r) * 0.1 + 0.03));
}
