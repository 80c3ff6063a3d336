// A parameter sweep (stancesim sweep): the experiment's design (analysis/sensitivity.hpp) scaled
// to its parameters' ranges, and at every point an ensemble of every scenario with the point's
// values set last (like --set). Every point runs the same seed, so run i of every point and
// scenario draws the same random numbers (common random numbers): differences between points are
// the parameters', not the dice's. Per point and metric only running moments are kept, so memory
// does not grow with runs or points (beyond the design itself). Files: docs/experiments.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/sensitivity.hpp"
#include "run/checkpoint.hpp"
#include "run/plan.hpp"
#include "scenario/experiment.hpp"

namespace stancesim {

// The design of an experiment: the unit-cube points and the values each point applies.
struct SweepDesign {
  Design unit;                 // rows x parameters on [0, 1] (grid: positions of the levels)
  std::vector<double> values;  // rows x parameters: the values set (whole numbers rounded)
  int rows() const { return unit.rows(); }
  double value(int row, std::size_t parameter) const {
    return values[static_cast<std::size_t>(row) * static_cast<std::size_t>(unit.dims) + parameter];
  }
};
// Sobol': Saltelli's scheme with N = points; Morris: `points` trajectories on `levels` levels;
// lhs: `points` rows; grid: every combination of the parameters' levels. A parameter's value is
// low + u (high - low); a whole-number parameter takes low + floor(u (high - low + 1)), capped at
// high, so each whole number in its range is equally likely.
SweepDesign build_design(const Experiment& experiment);

struct SweepOptions {
  PlanRequest request;  // --runs, --seed, --threads: override the experiment's
  std::string model_dir;
  std::string out_dir;
  bool force = false;
  bool outcomes = false;  // also write outcomes.csv (per run, the experiment's metrics)
  bool resume = false;    // continue the destination's interrupted sweep (run/checkpoint.hpp)
  Shard shard;            // --shard K/N: only this block of design points (a shard folder)
  std::vector<std::string> command_line;
  // After each run, on the calling thread: runs done and in all (points x scenarios x runs).
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct SweepResult {
  int points = 0;
  std::int64_t runs = 0;  // in all
  std::uint64_t bytes_written = 0;
};

SweepResult run_sweep(const Experiment& experiment, const SweepOptions& options);

}  // namespace stancesim
