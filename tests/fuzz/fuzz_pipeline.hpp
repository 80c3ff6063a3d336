// What `stancesim run` does with a loaded scenario, cut down to one run of a few weeks: compile
// the model, simulate run 0 with --explain, format its CSV rows and compute its outcome metrics.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "output/outcomes.hpp"
#include "output/run_format.hpp"
#include "scenario/scenario.hpp"

namespace stancesim::fuzz {

// Weeks simulated per input: enough to pass every kind of step (shocks, rules, pins, decisions),
// few enough to keep an execution in milliseconds. Shocks and pins later than this never act.
inline constexpr int kMaxFuzzSteps = 8;

// What a loaded scenario promises (scenarios/README.md): a horizon of 1 to 520 weeks, at least
// one run, shocks and pins within [1, horizon] with from <= to, probabilities in [0, 1]. An input
// the loader accepted that breaks one is a finding (e.g. a number truncated on its way in).
[[noreturn]] inline void broken(const std::string& what) {
  std::fprintf(stderr, "\n==FINDING== the loader accepted a scenario that breaks: %s\n",
               what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void check_loaded(const LoadedScenario& loaded) {
  const Scenario& sc = loaded.scenario;
  if (sc.steps < 1 || sc.steps > 520)
    broken("1 <= steps <= 520 (" + std::to_string(sc.steps) + ")");
  if (sc.runs < 1) broken("runs >= 1 (" + std::to_string(sc.runs) + ")");
  auto range = [&](const std::string& what, int from, int to) {
    if (from < 1 || from > to || to > sc.steps)
      broken(what + ": 1 <= from <= to <= steps (from " + std::to_string(from) + ", to " +
             std::to_string(to) + ", steps " + std::to_string(sc.steps) + ")");
  };
  for (const auto& s : sc.shocks) {
    range("shock '" + s.id + "'", s.from, s.to);
    if (!(s.probability >= 0 && s.probability <= 1))
      broken("shock '" + s.id + "': probability in [0, 1]");
  }
  for (const auto& p : sc.pins) range("pin on '" + p.actor + "." + p.track + "'", p.from, p.to);
}

inline void compile_and_run_once(LoadedScenario& loaded) {
  check_loaded(loaded);
  Scenario& sc = loaded.scenario;
  sc.steps = std::min(sc.steps, kMaxFuzzSteps);
  const CompiledModel model = compile(loaded.model, sc);
  Simulator simulator(model);
  RunRecord record;
  simulator.run(sc.seed, 0, /*explain=*/true, record);
  RunFormatter formatter(model);
  RunText text;
  formatter.format(0, record, text);
  Outcomes outcomes(model);
  std::vector<double> values(outcomes.names().size());
  outcomes.compute(record, values.data());
}

}  // namespace stancesim::fuzz
