// Reading a sweep's folder back (stancesim sensitivity, stancesim discover): its manifest, the
// design's values and every point's mean of every metric, checked strictly (file:line:col).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stancesim {

struct SweepResults {
  std::string dir, experiment, design;
  int design_points = 0, base_points = 0, morris_levels = 0, runs = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> parameters, scenarios, metrics;
  std::vector<double> values;  // design_points x parameters (design.csv)
  // means[scenario][metric][point] (points.csv)
  std::vector<std::vector<std::vector<double>>> means;

  int scenario_index(const std::string& name) const;  // -1 when absent
  int metric_index(const std::string& name) const;
};

SweepResults read_sweep(const std::string& dir);

}  // namespace stancesim
