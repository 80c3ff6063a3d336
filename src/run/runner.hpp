// The one ensemble runner: every command that simulates (run, compare, check, bench, sweep)
// hands a RunPlan and its sinks to run_plan(). The runner simulates runs on the plan's threads
// (run/ensemble.hpp), computes each run's outcome metrics once per window the sinks asked
// for, and passes each run to every sink: process() on the worker that simulated it (formatting,
// per-run work), deliver() on the calling thread strictly in run order (writing, accumulating).
// Output is therefore the same whatever the thread count, and memory is bounded by the 2K runs
// in flight plus what the sinks keep.
#pragma once

#include <functional>
#include <vector>

#include "engine/simulate.hpp"
#include "output/outcomes.hpp"
#include "run/plan.hpp"

namespace stancesim {

// The outcome metrics of one run: per window, the names() of that window's Outcomes in order.
struct RunOutcomes {
  const double* values = nullptr;  // windows x metrics
  std::size_t metrics = 0;
  const double* window(std::size_t w) const { return values + w * metrics; }
};

class RunSink {
 public:
  virtual ~RunSink() = default;
  // Before the first run: how many slots (runs in flight) process() and deliver() will name.
  virtual void start(int slots) { (void)slots; }
  // On a worker thread; `slot` belongs to this run until it is delivered.
  virtual void process(int run, const RunRecord& record, const RunOutcomes& outcomes, int slot) {
    (void)run, (void)record, (void)outcomes, (void)slot;
  }
  // On the calling thread, in run order.
  virtual void deliver(int run, const RunOutcomes& outcomes, int slot) = 0;
};

struct RunnerOptions {
  // Windows [from, to] of the outcome metrics; empty: no outcomes computed. {1, 0}: the horizon.
  std::vector<std::pair<int, int>> windows;
  std::function<void(int done, int total)> progress;  // on the calling thread
};

void run_plan(const CompiledModel& model, const RunPlan& plan, const RunnerOptions& options,
              const std::vector<RunSink*>& sinks);

}  // namespace stancesim
