#include "analysis/sweep_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "output/csv_reader.hpp"
#include "output/manifest.hpp"

namespace stancesim {

namespace {

int index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

}  // namespace

int SweepResults::scenario_index(const std::string& name) const {
  return index_of(scenarios, name);
}
int SweepResults::metric_index(const std::string& name) const {
  return index_of(metrics, name);
}

std::vector<double> SweepResults::means(std::size_t scenario, std::size_t metric) const {
  const std::size_t stride = scenarios.size() * metrics.size();
  std::vector<double> out(static_cast<std::size_t>(design_points));
  for (std::size_t p = 0; p < out.size(); ++p)
    out[p] = point_means[p * stride + scenario * metrics.size() + metric];
  return out;
}

SweepResults read_sweep(const std::string& dir) {
  SweepResults r;
  r.dir = dir;
  const std::string manifest = dir + "/manifest.json";
  const std::string what = "the manifest.json of a stancesim sweep";
  const Json json = read_json_object(manifest, what);
  const JsonFields tree(json, manifest, what);
  if (tree.text("command") != "sweep")
    throw InputError(SourceLoc{manifest, 0, 0}, "expected the manifest of a stancesim sweep");
  r.experiment = tree.text("experiment");
  r.design = tree.text("design");
  r.design_points = static_cast<int>(tree.integer("design_points", 1, limits::kMaxDesignPoints));
  r.base_points = static_cast<int>(tree.integer("base_points", 0, limits::kMaxDesignPoints));
  r.morris_levels = static_cast<int>(tree.integer("morris_levels", 0, 1000));
  r.runs = static_cast<int>(tree.integer("runs", 1, limits::kMaxRuns));
  r.seed = static_cast<std::uint64_t>(tree.integer("seed", 0, limits::kMaxSeed));
  r.parameters = tree.strings("parameters");
  r.scenarios = tree.strings("scenarios");
  r.metrics = tree.strings("metrics");
  for (const auto* list : {&r.parameters, &r.scenarios, &r.metrics}) {
    if (list->empty())
      throw InputError(SourceLoc{manifest, 0, 0},
                       "expected at least one parameter, scenario "
                       "and metric");
    std::set<std::string> seen;
    for (const auto& name : *list)
      if (!seen.insert(name).second)
        throw InputError(SourceLoc{manifest, 0, 0}, "'" + name + "' is listed twice");
  }
  const std::size_t k = r.parameters.size();
  const auto points = static_cast<std::size_t>(r.design_points);
  {
    CsvReader design(dir + "/design.csv");
    const int point = design.require("point");
    std::vector<int> columns;
    for (const auto& p : r.parameters) columns.push_back(design.require(p));
    std::size_t row = 0;
    while (design.next()) {
      if (row >= points)
        throw InputError(SourceLoc{design.path(), design.line(), 1},
                         fmt::format("more than the {} points of manifest.json", points));
      design.integer(point, static_cast<std::int64_t>(row), static_cast<std::int64_t>(row));
      for (std::size_t j = 0; j < k; ++j) r.values.push_back(design.number(columns[j]));
      ++row;
    }
    if (row != points)
      throw InputError(SourceLoc{design.path(), design.line() + 1, 1},
                       fmt::format("{} points, but {} in manifest.json", row, points));
  }
  {
    CsvReader in(dir + "/points.csv");
    const int scenario = in.require("scenario"), point = in.require("point"),
              metric = in.require("metric"), mean = in.require("mean");
    const std::size_t ns = r.scenarios.size(), nm = r.metrics.size();
    std::size_t row = 0;
    while (in.next()) {
      const std::size_t p = row / (ns * nm), s = row / nm % ns, m = row % nm;
      if (p >= points)
        throw InputError(SourceLoc{in.path(), in.line(), 1},
                         "more rows than points x scenarios x metrics of manifest.json");
      in.integer(point, static_cast<std::int64_t>(p), static_cast<std::int64_t>(p));
      if (in.text(scenario) != r.scenarios[s] || in.text(metric) != r.metrics[m])
        throw InputError(SourceLoc{in.path(), in.line(), 1},
                         fmt::format("expected point {}, scenario '{}', metric '{}' (the order the "
                                     "sweep writes)",
                                     p, r.scenarios[s], r.metrics[m]));
      r.point_means.push_back(in.number(mean));
      ++row;
    }
    if (row != points * ns * nm)
      throw InputError(SourceLoc{in.path(), in.line() + 1, 1},
                       fmt::format("{} rows, expected {} (points x scenarios x metrics)", row,
                                   points * ns * nm));
  }
  return r;
}

}  // namespace stancesim
