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
  std::vector<std::string> parameters, scenarios, metrics;  // each name once
  std::vector<double> values;  // design_points x parameters (design.csv)
  // points.csv's means in its order: point-major, then scenario, then metric.
  std::vector<double> point_means;

  int scenario_index(const std::string& name) const;  // -1 when absent
  int metric_index(const std::string& name) const;
  // One metric's mean at every point, for one scenario.
  std::vector<double> means(std::size_t scenario, std::size_t metric) const;
};

// Reads strictly: the manifest's lists hold distinct names, design.csv one row per point in order,
// points.csv one row per point, scenario and metric in the order the sweep writes them. Buffers
// grow with the rows read, never with the sizes a manifest claims.
SweepResults read_sweep(const std::string& dir);

}  // namespace stancesim
