#include <doctest/doctest.h>

#include <cmath>

#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "output/run_format.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
struct Fixture {
  LoadedScenario loaded;
  CompiledModel model;
  explicit Fixture(const std::string& scenario, ScenarioOptions options = {})
      : loaded(load_scenario(mini_dir() + "/scenarios/" + scenario + ".toml", options)),
        model(compile(loaded.model, loaded.scenario)) {}
  int column(const std::string& name) const { return model.column(name); }
  double value(const RunRecord& r, int step, const std::string& name) const {
    return r.state_row(step)[column(name)];
  }
};
double logistic2(double a, double b) {
  return 1.0 / (1.0 + std::exp(b - a));
}
}  // namespace

TEST_CASE("expected utility and logit probabilities match a hand computation") {
  Fixture f("plain");
  Simulator sim(f.model);
  RunRecord r;
  sim.run(7, 0, true, r);
  // Step 1, alpha (lambda 2, kappa 0.5, horizon 4): EU(stay) = a = 0.5;
  // EU(push) = (0.5 + 4 * 0.1) - 0.2 - 0.5 * 1 = 0.2.
  const double p_push = logistic2(2 * 0.2, 2 * 0.5);
  const int alpha = 0, beta = 1;  // level slots
  const double p_alpha = r.probability_at(1, alpha);
  CHECK(p_alpha == doctest::Approx(r.choice_at(1, alpha) == 1 ? p_push : 1 - p_push));
  // Beta (lambda 1): EU(strike) = 0.5, EU(wait) = 0; no damping while alpha stays.
  const double p_strike = logistic2(0.5, 0);
  CHECK(r.probability_at(1, beta) ==
        doctest::Approx(r.choice_at(1, beta) == 1 ? p_strike : 1 - p_strike));
  // The explanation holds the same numbers, by priority: p1 = a, p2 = choice cost, inertia.
  const std::size_t np = f.model.priorities.size();
  auto util = [&](int joint, const std::string& priority) {
    std::size_t p = 0;
    while (f.model.priorities[p] != priority) ++p;
    return r.utilities[static_cast<std::size_t>(r.utility_offset[0]) +
                       static_cast<std::size_t>(joint) * (np + 1) + p];
  };
  CHECK(util(0, "p1") == doctest::Approx(0.5));
  CHECK(util(1, "p1") == doctest::Approx(0.9));
  CHECK(util(1, "p2") == doctest::Approx(-0.2));
  CHECK(util(1, "inertia") == doctest::Approx(-0.5));
}

TEST_CASE("leverage damps the target's escalatory options in proportion to the variable") {
  // Alpha pinned at push: from step 2 beta's strike is damped by d = 0.5 * a.
  Fixture f("pinned");
  Simulator sim(f.model);
  RunRecord r;
  sim.run(1, 0, false, r);
  const double a1 = f.value(r, 1, "a");
  const double d = 0.5 * a1;
  const double weight = std::exp(0.5) * (1 - d);
  const double p_strike = weight / (1 + weight);
  CHECK(r.probability_at(2, 1) ==
        doctest::Approx(r.choice_at(2, 1) == 1 ? p_strike : 1 - p_strike));
}

TEST_CASE("the transition applies persistence, drift, cross effects, option effects and clamps") {
  Fixture f("pinned");  // a starts at 0.95 and alpha pushes (+0.1 a week)
  Simulator sim(f.model);
  RunRecord r;
  sim.run(3, 0, false, r);
  CHECK(r.choice_at(1, 0) == 1);  // pinned
  CHECK(r.probability_at(1, 0) == 1.0);
  CHECK(f.value(r, 1, "a") == 1.0);  // 1.05 clamped at max
  // b' = 0.5 b + 1 + a = 0.5 * 2 + 1 + 0.95, but gamma's rule fired first (a >= 0.7): b += 1.
  CHECK(f.value(r, 1, "b") == doctest::Approx(0.5 * 3 + 1 + 0.95));
  CHECK(f.value(r, 1, "m") == doctest::Approx(1 + 2 * 1.0));
  // Beta's strike sets the level lv to 2; waiting leaves it.
  CHECK(f.value(r, 1, "lv") == (r.choice_at(1, 1) == 1 ? 2.0 : 0.0));
  CHECK(f.value(r, 0, "escalation_index") == 0.0);
  CHECK(f.value(r, 1, "escalation_index_alpha") == 10.0);  // push newly chosen
  CHECK(f.value(r, 2, "escalation_index_alpha") == 0.0);   // held: scores 0
  CHECK(f.value(r, 1, "kahn_max_rung") >= 12.0);
  CHECK(f.value(r, 1, "goldstein_alpha_beta") == -10.0);
}

TEST_CASE("rules fire on their condition, log an event, and demands cost the actor") {
  Fixture f("high_a");  // a = 0.7 from the start
  Simulator sim(f.model);
  RunRecord r;
  sim.run(5, 0, true, r);
  REQUIRE(r.events.size() == 2);
  // Reactive rules run after the others: the flag goes up at step 1, the demand starts at step 2.
  CHECK(f.model.rules[static_cast<std::size_t>(r.events[0].source)].id == "r_flag");
  CHECK(r.events[0].step == 1);
  CHECK(f.model.rules[static_cast<std::size_t>(r.events[1].source)].id == "r_demand");
  CHECK(r.events[1].step == 2);
  CHECK(f.value(r, 1, "f") == 1.0);
  const std::size_t np = f.model.priorities.size();
  std::size_t line = 0;
  while (f.model.priorities[line] != "line") ++line;
  auto util = [&](int step, int joint) {
    return r
        .utilities[static_cast<std::size_t>((step - 1) * r.utility_stride + r.utility_offset[0]) +
                   static_cast<std::size_t>(joint) * (np + 1) + line];
  };
  CHECK(util(1, 0) == 0.0);   // no demand yet
  CHECK(util(2, 0) == -3.0);  // stay: severity 3 * (1 - 0) / 1
  CHECK(util(2, 1) == 0.0);   // push meets the demand
}

TEST_CASE("same seed and run give identical records and streams are common across scenarios") {
  Fixture plain("plain"), pinned("pinned");
  Simulator a(plain.model), b(plain.model), c(pinned.model);
  RunRecord ra, rb, rc, rd;
  a.run(11, 4, false, ra);
  b.run(11, 4, false, rb);
  CHECK(ra.state == rb.state);
  CHECK(ra.choice == rb.choice);
  b.run(12, 4, false, rd);
  CHECK(ra.state != rd.state);
  // The noise of n does not depend on what the actors do: run 4 of another scenario sees the
  // same draws (common random numbers).
  c.run(11, 4, false, rc);
  for (int step = 1; step <= 2; ++step)
    CHECK(plain.value(ra, step, "n") - plain.value(ra, step - 1, "n") ==
          doctest::Approx(pinned.value(rc, step, "n") - pinned.value(rc, step - 1, "n")));
}

TEST_CASE("a rule's probability is the chance per step that it fires while armed") {
  ScenarioOptions options;
  options.sets = {"rule.r_flag.probability=0.25", "variable.a.initial=0.8"};
  Fixture f("plain", options);
  Simulator sim(f.model);
  RunRecord r;
  int fired_at_step_1 = 0;
  const int runs = 4000;
  for (int run = 0; run < runs; ++run) {
    sim.run(1, run, false, r);
    for (const auto& e : r.events)
      fired_at_step_1 +=
          e.step == 1 && f.model.rules[static_cast<std::size_t>(e.source)].id == "r_flag";
  }
  CHECK(static_cast<double>(fired_at_step_1) / runs == doctest::Approx(0.25).epsilon(0.1));
}

TEST_CASE("the state layout names every column of state.csv, and its indices name the measures") {
  const Fixture f("plain");
  const StateLayout& l = f.model.layout;
  RunFormatter formatter(f.model);
  std::string header = "scenario,run,step,date";
  for (const auto& name : l.names) header += "," + name;
  CHECK(formatter.state_header() == header + "\n");
  CHECK(l.size() == f.model.n_state_columns());
  CHECK(l.n_variables == f.model.n);
  for (int i = 0; i < l.n_variables; ++i)
    CHECK(l.names[static_cast<std::size_t>(i)] == f.model.var_names[static_cast<std::size_t>(i)]);
  for (int i = 0; i < l.n_metrics; ++i)
    CHECK(l.names[static_cast<std::size_t>(l.metrics + i)] ==
          f.model.metric_names[static_cast<std::size_t>(i)]);
  auto name = [&](int column) { return l.names[static_cast<std::size_t>(column)]; };
  CHECK(name(l.escalation) == "escalation_index");
  CHECK(name(l.escalation_events) == "escalation_index_events");
  CHECK(name(l.escalation_cum) == "escalation_index_cum");
  CHECK(name(l.positions) == "positions_index");
  CHECK(name(l.kahn) == "kahn_max_rung");
  for (std::size_t a = 0; a < f.model.actors.size(); ++a) {
    CHECK(name(l.escalation + 1 + static_cast<int>(a)) ==
          "escalation_index_" + f.model.actors[a].id);
    CHECK(name(l.positions + 1 + static_cast<int>(a)) == "positions_index_" + f.model.actors[a].id);
  }
  CHECK(l.dyads + l.n_dyads == l.size());
  for (int d = 0; d < l.n_dyads; ++d)
    CHECK(name(l.dyads + d) == f.model.dyad_names[static_cast<std::size_t>(d)]);
  CHECK(f.model.column("no_such_column") == -1);
}
