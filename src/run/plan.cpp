#include "run/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "core/error.hpp"
#include "core/limits.hpp"

namespace stancesim {

int default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return std::clamp(static_cast<int>(n), 1, limits::kMaxThreads);
}

namespace {
void check_run_weeks(std::int64_t runs, std::int64_t steps) {
  if (runs * steps > limits::kMaxRunWeeks)
    throw InputError(fmt::format(
        "{} runs x {} weeks = {} simulated weeks, more than the limit of {} per ensemble: ask "
        "for fewer --runs or --steps",
        runs, steps, runs * steps, limits::kMaxRunWeeks));
}
}  // namespace

void check_request(const PlanRequest& r) {
  if (r.runs && (*r.runs < r.min_runs || *r.runs > limits::kMaxRuns))
    throw InputError(fmt::format("{}: expected {} to {} runs, found {}", r.runs_option, r.min_runs,
                                 limits::kMaxRuns, *r.runs));
  if (r.seed && (*r.seed < 0 || *r.seed > limits::kMaxSeed))
    throw InputError(fmt::format("--seed: expected 0 to {}, found {}", limits::kMaxSeed, *r.seed));
  if (r.steps && (*r.steps < 1 || *r.steps > limits::kMaxSteps))
    throw InputError(fmt::format("--steps: expected 1 to {} weeks", limits::kMaxSteps));
  if (r.threads != 0 && (r.threads < 1 || r.threads > limits::kMaxThreads))
    throw InputError(
        fmt::format("--threads: expected 1 to {}, found {}", limits::kMaxThreads, r.threads));
  if (r.explain_runs < 0 || r.explain_runs > limits::kMaxRuns)
    throw InputError(fmt::format("--explain-runs: expected 1 to {}", limits::kMaxRuns));
  if (r.runs && r.steps) check_run_weeks(*r.runs, *r.steps);
}

RunPlan resolve_plan(const PlanRequest& request, Scenario& sc) {
  check_request(request);
  if (request.steps) {
    const auto steps = static_cast<int>(*request.steps);
    for (const auto& s : sc.shocks)
      if (s.to > steps)
        throw InputError(s.steps_loc,
                         "shock '" + s.id + "' acts beyond --steps " + std::to_string(steps));
    for (const auto& p : sc.pins)
      if (p.to > steps)
        throw InputError(p.steps_loc, "pin on '" + p.actor + "." + p.track +
                                          "' acts beyond --steps " + std::to_string(steps));
    sc.steps = steps;
  }
  RunPlan plan;
  plan.runs = request.runs ? static_cast<int>(*request.runs) : sc.runs;
  plan.seed = request.seed ? static_cast<std::uint64_t>(*request.seed) : sc.seed;
  plan.steps = sc.steps;
  plan.threads = request.threads != 0 ? static_cast<int>(request.threads) : default_threads();
  plan.explain_runs = static_cast<int>(request.explain_runs);
  // The scenario's own runs and steps are within limits (scenario.cpp); their product is not.
  check_run_weeks(plan.runs, plan.steps);
  return plan;
}

}  // namespace stancesim
