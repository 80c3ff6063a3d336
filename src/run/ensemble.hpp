// Runs an ensemble on K threads. Runs are handed out one at a time; `process(run, record, slot)`
// runs on the worker that simulated the run (formatting, per-run metrics), and
// `deliver(run, slot)` runs on the calling thread strictly in run order, so output files are
// written sequentially and are identical whatever the thread count. At most 2K runs are in
// flight: memory stays bounded for any number of runs. One lock per run, none per row.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "engine/simulate.hpp"
#include "run/plan.hpp"

namespace stancesim {

// Runs in flight: slot of run r is r % ensemble_window(plan).
inline int ensemble_window(const RunPlan& plan) {
  return 2 * std::max(1, std::min(plan.threads, plan.count()));
}

template <class Slot, class Process, class Deliver>
void run_ensemble(const CompiledModel& model, const RunPlan& config, Process process,
                  Deliver deliver) {
  const int threads = std::max(1, std::min(config.threads, config.count()));
  const int window = ensemble_window(config);
  const int first = config.first(), stop = config.stop();
  std::vector<Slot> slots(static_cast<std::size_t>(window));
  std::vector<int> ready(static_cast<std::size_t>(window), -1);
  std::mutex mutex;
  std::condition_variable changed;
  std::atomic<int> next{first};
  int delivered = first;
  std::exception_ptr error;

  auto worker = [&] {
    Simulator simulator(model);
    RunRecord record;
    for (;;) {
      const int run = next.fetch_add(1);
      if (run >= stop) return;
      if (const int sig = interrupt_signal()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::make_exception_ptr(Interrupted(sig));
        changed.notify_all();
        return;
      }
      const std::size_t slot = static_cast<std::size_t>(run % window);
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return run < delivered + window || error; });
        if (error) return;
      }
      try {
        simulator.run(config.seed, run, run < config.explain_runs, record);
        process(run, record, slots[slot]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        changed.notify_all();
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        ready[slot] = run;
      }
      changed.notify_all();
    }
  };

  std::vector<std::thread> pool;
  try {
    for (int t = 0; t < threads; ++t) {
      try {
        pool.emplace_back(worker);
      } catch (const std::system_error& e) {
        throw RuntimeFailure("cannot start worker thread " + std::to_string(t + 1) + " of " +
                             std::to_string(threads) + " (" + e.what() +
                             "): ask for fewer with --threads");
      }
    }
    for (int run = first; run < stop; ++run) {
      const std::size_t slot = static_cast<std::size_t>(run % window);
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return ready[slot] == run || error; });
        if (error) break;
      }
      deliver(run, slots[slot]);
      {
        std::lock_guard<std::mutex> lock(mutex);
        ready[slot] = -1;
        ++delivered;
      }
      changed.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!error) error = std::current_exception();
    changed.notify_all();
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace stancesim
