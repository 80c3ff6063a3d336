// The decision steps of engine/decision.hpp checked by hand on variants of the mini model:
// convex inertia, the horizon forecast with persistence, anticipation of a response through a
// leverage channel (depth 2) and through a demand the option would trigger, with credibility.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
double logistic(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

void append(const fs::path& file, const std::string& text) {
  write_file(file, read_file(file) + text);
}

// A scratch copy of the mini model with extra terms or rules, run through one scenario.
struct Variant {
  Scratch scratch{"decision"};
  LoadedScenario loaded;
  CompiledModel model;
  explicit Variant(const std::string& utility_extra, const std::string& rules_extra,
                   const std::vector<std::string>& sets, const std::string& scenario = "plain") {
    copy_mini(scratch.path());
    append(scratch.path() / "model" / "utility.toml", utility_extra);
    append(scratch.path() / "model" / "rules.toml", rules_extra);
    ScenarioOptions options;
    options.sets = sets;
    loaded = load_scenario((scratch.path() / "scenarios" / (scenario + ".toml")).string(), options);
    model = compile(loaded.model, loaded.scenario);
  }
  double value(const RunRecord& r, int step, const std::string& name) const {
    return r.state_row(step)[model.column(name)];
  }
  // Expected utility of a joint option by priority at a step (from the explained record).
  double util(const RunRecord& r, int step, int actor, int joint,
              const std::string& priority) const {
    std::size_t p = 0;
    while (model.priorities[p] != priority) ++p;
    const std::size_t np = model.priorities.size();
    return r.utilities[static_cast<std::size_t>((step - 1) * r.utility_stride +
                                                r.utility_offset[static_cast<std::size_t>(actor)]) +
                       static_cast<std::size_t>(joint) * (np + 1) + p];
  }
};

const char* kLvTerm = R"(
[[term]]
actor = "alpha"
id = "t4"
priority = "p4"
kind = "feature"
shape = "linear"
inputs = { lv = 1.0 }
weight = -0.5
description = "dislikes what beta's strike sets"
claims = ["C1"]
)";
}  // namespace

TEST_CASE("inertia is a switch cost plus kappa per squared rung") {
  // alpha: kappa 0.5 per squared rung, switch cost 0.3; moving stay -> push costs 0.8.
  Variant v("", "", {"actor.alpha.switch_cost=0.3"});
  Simulator sim(v.model);
  RunRecord r;
  sim.run(7, 0, true, r);
  CHECK(v.util(r, 1, 0, 1, "inertia") == doctest::Approx(-0.8));
  CHECK(v.util(r, 1, 0, 0, "inertia") == 0.0);
  // The logit probability follows: EU(push) - EU(stay) = 0.4 - 0.2 - 0.8.
  const double p_push = logistic(2 * (0.4 - 0.2 - 0.8));
  CHECK(r.probability_at(1, 0) == doctest::Approx(r.choice_at(1, 0) == 1 ? p_push : 1 - p_push));
}

TEST_CASE("the forecast applies persistence over the horizon: G = 1 + p + ... + p^(h-1)") {
  // A term on b (persistence 0.5, drift 1, cross a -> b) for alpha (horizon 4): with a constant
  // over the horizon as alpha stays, b(t+4) = 0.5^4 b + (1 + 0.5 + 0.25 + 0.125) (1 + a).
  Variant v(R"(
[[term]]
actor = "alpha"
id = "t5"
priority = "p5"
kind = "feature"
shape = "linear"
inputs = { b = 1.0 }
weight = 1.0
description = "likes b"
claims = ["C1"]
)",
            "", {});
  Simulator sim(v.model);
  RunRecord r;
  sim.run(7, 0, true, r);
  const double b0 = 2, a0 = 0.5, g = 1 + 0.5 + 0.25 + 0.125;
  CHECK(v.util(r, 1, 0, 0, "p5") == doctest::Approx(std::pow(0.5, 4) * b0 + g * (1 + a0)));
  // Pushing adds 0.1 a week to a, which feeds b the week after: sum_{s<4} 0.5^s * 0.1 * (3 - s).
  double extra = 0;
  for (int s = 0; s < 4; ++s) extra += std::pow(0.5, s) * 0.1 * (3 - s);
  CHECK(v.util(r, 1, 0, 1, "p5") - v.util(r, 1, 0, 0, "p5") == doctest::Approx(extra));
}

TEST_CASE("depth 2: an option is valued by the response its leverage buys") {
  // alpha (depth 2) dislikes lv, which beta's strike sets to 2; pushing damps strike by 0.5 a.
  // At step 2 beta is expected where it was headed at step 1 (strike with logistic(0.5)),
  // reweighted by the damping each of alpha's options would bring.
  Variant v(kLvTerm, "", {"actor.alpha.depth=2"});
  Simulator sim(v.model);
  RunRecord r;
  for (int run = 0; run < 8; ++run) {
    CAPTURE(run);
    sim.run(7, run, true, r);
    const double p1 = logistic(0.5);  // beta at step 1: alpha stays initially, no damping
    const double a = v.value(r, 1, "a"), lv = v.value(r, 1, "lv");
    const double d_push = 0.5 * a;
    const double d_now = r.choice_at(1, 0) == 1 ? d_push : 0.0;
    auto p_strike = [&](double d) {
      const double w = p1 * (1 - d) / (1 - d_now);
      return w / (w + 1 - p1);
    };
    const double expected = -0.5 * (2 - lv) * (p_strike(d_push) - p_strike(0));
    CHECK(v.util(r, 2, 0, 1, "p4") - v.util(r, 2, 0, 0, "p4") == doctest::Approx(expected));
  }
  // At depth 1 the option buys nothing: the lv term is the same for both.
  Variant flat(kLvTerm, "", {});
  Simulator sim1(flat.model);
  sim1.run(7, 0, true, r);
  CHECK(flat.util(r, 2, 0, 1, "p4") == doctest::Approx(flat.util(r, 2, 0, 0, "p4")));
}

TEST_CASE("depth 2: a responder answers a demand the option would trigger, at its credibility") {
  // beta (depth 2, horizon 1) dislikes a. Its strike sets lv = 2, which triggers a demand on
  // alpha to push (severity 2, credibility a); pushing raises a by 0.1. beta expects alpha
  // where it was headed at step 1 (its policy without inertia), reweighted by the demand.
  Variant v(R"(
[[term]]
actor = "beta"
id = "t6"
priority = "p6"
kind = "feature"
shape = "linear"
inputs = { a = 1.0 }
weight = -1.0
description = "dislikes a"
claims = ["C1"]
)",
            R"(
[[rule]]
id = "r_line"
actor = "alpha"
kind = "red_line"
description = "alpha's line: a strike demands a push"
when = "lv >= 2"
probability = 1
demand = { actor = "alpha", track = "move", level = 1, severity = 2.0, severity_max = 2.0, priority = "line", credibility = "a" }
claims = ["C1"]
)",
            {"actor.beta.depth=2"});
  Simulator sim(v.model);
  RunRecord r;
  int checked = 0;
  for (int run = 0; run < 20 && checked < 3; ++run) {
    sim.run(7, run, true, r);
    if (v.value(r, 1, "lv") >= 2) continue;  // the line must not be in force already
    ++checked;
    // alpha at step 1 without inertia: EU(push) - EU(stay) = 4 * 0.1 - 0.2.
    const double p1 = logistic(2 * (0.4 - 0.2));
    const double cred = v.value(r, 1, "a");
    const double w = p1 / (p1 + (1 - p1) * std::exp(-2 * cred * 2.0));  // stay falls short by 1
    const double expected = -1.0 * 0.1 * (w - p1);
    CAPTURE(run);
    CHECK(v.util(r, 2, 1, 1, "p6") - v.util(r, 2, 1, 0, "p6") == doctest::Approx(expected));
  }
  CHECK(checked == 3);
}

TEST_CASE("escalation: a move scores beyond the recent range, an event every week it is chosen") {
  // alpha pinned at push for two weeks (escalation class weight 10, memory 2 weeks).
  Scratch scratch("event");
  copy_mini(scratch.path());
  const fs::path actors = scratch.path() / "model" / "actors.toml";
  auto run = [&](bool event) {
    replace_line(actors, 18,
                 std::string("  { id = \"push\", level = 1, class = \"hot\", cameo = \"190\", "
                             "goldstein = -10, kahn = 12, target = \"beta\", escalatory = false") +
                     (event ? ", event = true }," : " },"));
    const LoadedScenario loaded =
        load_scenario((scratch.path() / "scenarios" / "pinned.toml").string(), {});
    const CompiledModel model = compile(loaded.model, loaded.scenario);
    Simulator sim(model);
    RunRecord r;
    sim.run(3, 0, false, r);
    const int column = model.column("escalation_index_alpha");
    return std::pair{r.state_row(1)[column], r.state_row(2)[column]};
  };
  CHECK(run(false) == std::pair{10.0, 0.0});  // a position: held, it changes nothing more
  CHECK(run(true) == std::pair{10.0, 10.0});  // an act: each week is a new one
}
