// An experiment file (experiments/*.toml): which scenarios, which parameters over which ranges,
// which design, how many runs per point, which metrics to keep. Read as strictly as scenario
// files: unknown keys, wrong types and out-of-range numbers are errors at file:line:col, with
// "did you mean" for misspelt keys and parameter paths. Format: docs/experiments.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "model/spec.hpp"

namespace stancesim {

enum class DesignKind { grid, lhs, sobol, morris };
const char* design_name(DesignKind kind);

struct ExperimentParameter {
  std::string path;  // a parameter path (model/README.md), e.g. term.china.no_nukes.weight
  std::string name;  // its column in design.csv: snake_case, default the path with '.' -> '_'
  double low = 0, high = 0;
  std::vector<double> values;  // grid: explicit levels (else `levels` evenly spaced)
  int levels = 0;              // grid: evenly spaced levels from low to high
  bool integer = false;        // a whole-number parameter: design values are rounded
  std::string rationale;
  Claims claims;
  SourceLoc loc, path_loc, low_loc, high_loc;
};

struct Experiment {
  std::string file;
  std::string name, description;
  std::vector<std::string> scenarios;  // paths, relative to the working directory
  SourceLoc scenarios_loc;
  DesignKind design = DesignKind::lhs;
  int points = 0;    // lhs: points; sobol: base samples N; morris: trajectories; grid: unused
  int levels = 4;    // morris: grid levels (even)
  int n_points = 0;  // rows of the design (grid: the product of levels; sobol: N (k + 2); ...)
  int runs = 100;    // per point and scenario
  std::uint64_t seed = 1;
  std::optional<int> steps;
  std::vector<std::string> metrics;
  SourceLoc metrics_loc;
  std::vector<ExperimentParameter> parameters;
  Claims claims;
};

// Reads and checks the file; parameter paths, ranges and claims against the model of the first
// scenario, read from `model_dir` (empty: <scenario dir>/../model, as for scenario files).
Experiment load_experiment(const std::string& path, const std::string& model_dir);

}  // namespace stancesim
