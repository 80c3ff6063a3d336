// The run plan: how many runs, which seed, how many weeks, how many threads, how many explained
// runs. Resolved once per ensemble from the scenario's defaults and the command line, validated
// in one place against core/limits.hpp, then passed down unchanged to the runner, the sinks and
// the manifest. Every ensemble command (run, compare, check, bench, sweep) goes through here.
#pragma once

#include <cstdint>
#include <optional>

#include "scenario/scenario.hpp"

namespace stancesim {

struct RunPlan {
  int runs = 1;
  std::uint64_t seed = 1;
  int steps = 1;
  int threads = 1;
  int explain_runs = 0;  // runs 0 .. explain_runs-1 also record utilities; 0: none
  // The runs this process simulates, [begin, end): all of them unless a shard (--shard) or a
  // resumed run (--resume) does only a part. Run i draws from its own streams (seed, i), so a
  // part is the same runs as in the whole.
  int begin = 0, end = -1;  // end < 0: runs
  int first() const { return begin; }
  int stop() const { return end < 0 ? runs : end; }
  int count() const { return stop() - first(); }
};

// What a command asks for; an unset number takes the scenario's value.
struct PlanRequest {
  std::optional<std::int64_t> runs, seed, steps;
  std::int64_t threads = 0;       // 0: default_threads()
  std::int64_t explain_runs = 0;  // 0: no explanation
  std::int64_t min_runs = 1;      // checks need two runs for an interval
  const char* runs_option = "--runs";
};

// All cores, at most limits::kMaxThreads.
int default_threads();

// Checks the numbers a command was given, before any file is read: InputErrors naming the
// option and the accepted range.
void check_request(const PlanRequest& request);

// The plan for one scenario: the request's numbers, else the scenario's. A shorter horizon must
// still hold every shock and pin (InputError at the shock's or pin's steps); runs x steps must
// stay within limits::kMaxRunWeeks. Sets scenario.steps to the plan's horizon (compile reads it).
RunPlan resolve_plan(const PlanRequest& request, Scenario& scenario);

}  // namespace stancesim
