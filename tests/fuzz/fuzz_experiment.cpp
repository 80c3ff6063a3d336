// fuzz_experiment: the input is the text of an experiment file (docs/experiments.md), written to
// experiments/x.toml in a folder whose scenarios/ holds every shipped scenario (symlinks), so the
// shipped experiments' `scenarios = ["../scenarios/nk_nuclear_test.toml"]` resolve. It is loaded
// with load_experiment against the shipped model (model/). If it loads: the loader's promises are
// checked (a name, scenarios and metrics, 2 <= runs, at least one parameter with low <= high
// (low < high without `values`), whole-number bounds and values for whole-number paths, an even
// number of Morris levels, n_points in [1, kMaxDesignPoints] and equal to the design's size
// formula), then, when n_points <= kMaxFuzzPoints (bounding an execution's cost),
// build_design(experiment) and the design's promises: n_points rows of one value per parameter,
// every unit coordinate in [0, 1], every value finite and within [low, high] of its parameter,
// whole for a whole-number parameter and one of `values` for a grid parameter that lists them.
// A broken promise aborts (==FINDING==), as a crash would.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "fuzz_common.hpp"
#include "run/sweep.hpp"
#include "scenario/experiment.hpp"

using namespace stancesim;
using namespace stancesim::fuzz;

namespace {

// Design rows built per input: the shipped experiments have 12 to 448; a Sobol' or grid design of
// a million rows would take seconds and hundreds of MB under the sanitizers.
constexpr int kMaxFuzzPoints = 2000;

struct Setup {
  fs::path input;
  std::string model_dir;
  Setup() {
    const fs::path experiments = scratch() / "experiments", scenarios = scratch() / "scenarios";
    fs::create_directories(experiments);
    fs::create_directories(scenarios);
    for (const auto& e : fs::directory_iterator(source_dir() / "scenarios"))
      if (e.path().extension() == ".toml")
        fs::create_symlink(e.path(), scenarios / e.path().filename());
    input = experiments / "x.toml";
    model_dir = (source_dir() / "model").string();
  }
};

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "\n==FINDING== the experiment loader or build_design broke: %s\n",
               what.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string show(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void check_loaded(const Experiment& e) {
  if (e.name.empty()) broken("an experiment name");
  if (e.scenarios.empty()) broken("at least one scenario");
  if (e.metrics.empty()) broken("at least one metric");
  if (e.runs < 2 || e.runs > limits::kMaxRuns) broken("2 <= runs <= kMaxRuns");
  if (e.steps && (*e.steps < 1 || *e.steps > limits::kMaxSteps)) broken("1 <= steps <= 520");
  if (e.parameters.empty()) broken("at least one parameter");
  const bool grid = e.design == DesignKind::grid;
  for (const auto& p : e.parameters) {
    const std::string what = "parameter '" + p.path + "'";
    if (!std::isfinite(p.low) || !std::isfinite(p.high) || p.low > p.high)
      broken(what + ": finite low <= high (" + show(p.low) + ", " + show(p.high) + ")");
    if (p.values.empty() && !(p.low < p.high)) broken(what + ": low < high without values");
    if (!p.values.empty()) {
      if (!grid) broken(what + ": values only on a grid");
      if (!std::is_sorted(p.values.begin(), p.values.end()) ||
          std::adjacent_find(p.values.begin(), p.values.end()) != p.values.end())
        broken(what + ": distinct values in increasing order");
      if (p.low != p.values.front() || p.high != p.values.back())
        broken(what + ": low and high are the first and last value");
    } else if (grid && (p.levels < 1 || p.levels > 1000)) {
      broken(what + ": 1 <= levels <= 1000 (" + std::to_string(p.levels) + ")");
    }
    if (p.integer) {
      for (const double v : {p.low, p.high})
        if (v != std::floor(v)) broken(what + ": whole-number bounds (" + show(v) + ")");
      for (const double v : p.values)
        if (v != std::floor(v)) broken(what + ": whole-number values (" + show(v) + ")");
    }
  }
  const auto k = static_cast<std::int64_t>(e.parameters.size());
  std::int64_t expected = 0;
  switch (e.design) {
    case DesignKind::grid:
      expected = 1;
      for (const auto& p : e.parameters) {
        expected *= p.values.empty() ? p.levels : static_cast<std::int64_t>(p.values.size());
        if (expected > limits::kMaxDesignPoints) break;
      }
      break;
    case DesignKind::lhs:
      expected = e.points;
      break;
    case DesignKind::sobol:
      expected = static_cast<std::int64_t>(e.points) * (k + 2);
      break;
    case DesignKind::morris:
      if (e.levels < 2 || e.levels % 2) broken("an even number of Morris levels >= 2");
      expected = static_cast<std::int64_t>(e.points) * (k + 1);
      break;
  }
  if (e.design != DesignKind::grid && e.points < 2) broken("points >= 2");
  if (e.n_points < 1 || e.n_points > limits::kMaxDesignPoints || e.n_points != expected)
    broken("n_points = " + std::to_string(e.n_points) + " for a design of " +
           std::to_string(expected) + " points");
}

void check_design(const Experiment& e, const SweepDesign& d) {
  const std::size_t k = e.parameters.size();
  if (d.rows() != e.n_points)
    broken("the design has " + std::to_string(d.rows()) + " rows, n_points is " +
           std::to_string(e.n_points));
  if (d.unit.dims != static_cast<int>(k) ||
      d.unit.x.size() != static_cast<std::size_t>(e.n_points) * k ||
      d.values.size() != d.unit.x.size())
    broken("the design holds one value per row and parameter");
  for (int r = 0; r < d.rows(); ++r)
    for (std::size_t j = 0; j < k; ++j) {
      const ExperimentParameter& p = e.parameters[j];
      const std::string at = "row " + std::to_string(r) + ", parameter '" + p.path + "'";
      const double u = d.unit.at(r, static_cast<int>(j));
      if (!(u >= 0 && u <= 1)) broken(at + ": unit coordinate in [0, 1] (" + show(u) + ")");
      const double v = d.value(r, j);
      if (!std::isfinite(v) || v < p.low || v > p.high)
        broken(at + ": value " + show(v) + " in [" + show(p.low) + ", " + show(p.high) + "]");
      if (p.integer && v != std::floor(v)) broken(at + ": whole-number value " + show(v));
      if (!p.values.empty() && std::find(p.values.begin(), p.values.end(), v) == p.values.end())
        broken(at + ": value " + show(v) + " is one of the grid's values");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  write_file(setup.input, std::string_view(reinterpret_cast<const char*>(data), size));
  guarded([&] {
    const Experiment experiment = load_experiment(setup.input.string(), setup.model_dir);
    check_loaded(experiment);
    if (experiment.n_points <= kMaxFuzzPoints) check_design(experiment, build_design(experiment));
  });
  return 0;
}
