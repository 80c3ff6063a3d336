#include "analysis/sweep_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "output/csv_reader.hpp"

namespace stancesim {

namespace pt = boost::property_tree;

namespace {

std::int64_t whole(const pt::ptree& tree, const char* key, std::int64_t lo, std::int64_t hi,
                   const std::string& path) {
  const std::string text = tree.get<std::string>(key);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    throw InputError(SourceLoc{path, 0, 0},
                     fmt::format("'{}': expected a whole number in [{}, {}], "
                                 "found '{}'",
                                 key, lo, hi, text));
  return v;
}

std::vector<std::string> strings(const pt::ptree& tree, const char* key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : tree.get_child(key)) out.push_back(v.get_value<std::string>());
  return out;
}

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

SweepResults read_sweep(const std::string& dir) {
  SweepResults r;
  r.dir = dir;
  const std::string manifest = dir + "/manifest.json";
  try {
    pt::ptree tree;
    pt::read_json(manifest, tree);
    if (tree.get<std::string>("command") != "sweep")
      throw InputError(SourceLoc{manifest, 0, 0}, "expected the manifest of a stancesim sweep");
    r.experiment = tree.get<std::string>("experiment");
    r.design = tree.get<std::string>("design");
    r.design_points =
        static_cast<int>(whole(tree, "design_points", 1, limits::kMaxDesignPoints, manifest));
    r.base_points =
        static_cast<int>(whole(tree, "base_points", 0, limits::kMaxDesignPoints, manifest));
    r.morris_levels = static_cast<int>(whole(tree, "morris_levels", 0, 1000, manifest));
    r.runs = static_cast<int>(whole(tree, "runs", 1, limits::kMaxRuns, manifest));
    r.seed = static_cast<std::uint64_t>(whole(tree, "seed", 0, limits::kMaxSeed, manifest));
    r.parameters = strings(tree, "parameters");
    r.scenarios = strings(tree, "scenarios");
    r.metrics = strings(tree, "metrics");
  } catch (const pt::ptree_error& ex) {
    throw InputError(SourceLoc{manifest, 0, 0},
                     std::string("expected the manifest.json of a stancesim sweep: ") + ex.what());
  }
  const std::size_t k = r.parameters.size();
  const auto points = static_cast<std::size_t>(r.design_points);
  {
    CsvReader design(dir + "/design.csv");
    const int point = design.require("point");
    std::vector<int> columns;
    for (const auto& p : r.parameters) columns.push_back(design.require(p));
    r.values.resize(points * k);
    std::size_t row = 0;
    while (design.next()) {
      if (row >= points)
        throw InputError(SourceLoc{design.path(), design.line(), 1},
                         fmt::format("more than the {} points of manifest.json", points));
      design.integer(point, static_cast<std::int64_t>(row), static_cast<std::int64_t>(row));
      for (std::size_t j = 0; j < k; ++j) r.values[row * k + j] = design.number(columns[j]);
      ++row;
    }
    if (row != points)
      throw InputError(SourceLoc{design.path(), design.line() + 1, 1},
                       fmt::format("{} points, but {} in manifest.json", row, points));
  }
  {
    const double missing = std::numeric_limits<double>::quiet_NaN();
    r.means.assign(r.scenarios.size(), std::vector<std::vector<double>>(
                                           r.metrics.size(), std::vector<double>(points, missing)));
    CsvReader in(dir + "/points.csv");
    const int scenario = in.require("scenario"), point = in.require("point"),
              metric = in.require("metric"), mean = in.require("mean");
    std::size_t rows = 0;
    while (in.next()) {
      const int s = r.scenario_index(std::string(in.text(scenario)));
      const int m = r.metric_index(std::string(in.text(metric)));
      if (s < 0 || m < 0)
        throw InputError(SourceLoc{in.path(), in.line(), 1},
                         "a scenario or metric that manifest.json does not list");
      const auto p =
          static_cast<std::size_t>(in.integer(point, 0, static_cast<std::int64_t>(points) - 1));
      double& cell = r.means[static_cast<std::size_t>(s)][static_cast<std::size_t>(m)][p];
      if (!std::isnan(cell))
        throw InputError(SourceLoc{in.path(), in.line(), 1}, "a point and metric given twice");
      cell = in.number(mean);
      ++rows;
    }
    if (rows != points * r.scenarios.size() * r.metrics.size())
      throw InputError(SourceLoc{in.path(), 0, 0},
                       fmt::format("{} rows, expected {} (points x scenarios x metrics)", rows,
                                   points * r.scenarios.size() * r.metrics.size()));
  }
  return r;
}

}  // namespace stancesim
