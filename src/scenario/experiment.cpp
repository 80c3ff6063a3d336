#include "scenario/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "core/limits.hpp"
#include "core/text.hpp"
#include "model/load.hpp"
#include "model/params.hpp"
#include "model/toml_reader.hpp"

namespace stancesim {

namespace fs = std::filesystem;

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid:
      return "grid";
    case DesignKind::lhs:
      return "lhs";
    case DesignKind::sobol:
      return "sobol";
    case DesignKind::morris:
      return "morris";
  }
  return "?";
}

namespace {

bool snake_case(const std::string& s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

DesignKind read_design(Fields& f) {
  const std::string d = f.string("design");
  for (const DesignKind k :
       {DesignKind::grid, DesignKind::lhs, DesignKind::sobol, DesignKind::morris})
    if (d == design_name(k)) return k;
  f.fail("design",
         "'design' in [experiment]: expected \"grid\", \"lhs\", \"sobol\" or "
         "\"morris\", found \"" +
             d + "\"");
}

// A parameter path and its range, checked as an override would be: the model's one range
// schema and its constraints (model/params.hpp), with "did you mean" for a misspelt path.
void check_against_model(const ExperimentParameter& p, const ModelSpec& spec) {
  const std::vector<double> ends = p.values.empty() ? std::vector<double>{p.low, p.high} : p.values;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    ModelSpec copy = spec;
    Override o;
    o.path = p.path;
    o.value = ends[i];
    o.path_loc = p.path_loc;
    o.loc = p.values.empty() ? (i == 0 ? p.low_loc : p.high_loc) : p.loc;
    apply_overrides(copy, {o});
  }
}

ExperimentParameter read_parameter(const toml::table& t, const std::string& path, DesignKind design,
                                   ModelSpec& spec) {
  Fields f(t, path, "[[parameter]]");
  ExperimentParameter p;
  p.loc = f.loc();
  p.path = f.string("path");
  p.path_loc = f.loc("path");
  f = Fields(t, path, "[[parameter]] '" + p.path + "'");
  f.string("path");
  p.name = p.path;
  std::replace(p.name.begin(), p.name.end(), '.', '_');
  if (f.has("name")) p.name = f.string("name");
  if (!snake_case(p.name))
    f.fail(f.has("name") ? "name" : "path",
           "'name' in [[parameter]] '" + p.path +
               "': expected a snake_case column name (a-z, 0-9, _), found '" + p.name + "'");
  if (p.name == "point")
    f.fail("name", "'name' in [[parameter]] '" + p.path +
                       "': 'point' is design.csv's first column: choose another name");
  const bool grid = design == DesignKind::grid;
  for (const char* key : {"levels", "values"})
    if (!grid && f.has(key))
      f.fail(key, std::string("'") + key + "' in [[parameter]] '" + p.path +
                      "': only with design = \"grid\"");
  if (grid && f.has("values")) {
    for (const toml::node& n : f.array("values"))
      p.values.push_back(f.number_at(n, "values", -ranges::kState, ranges::kState));
    if (p.values.empty()) f.fail("values", "'values': expected at least one value");
    if (!std::is_sorted(p.values.begin(), p.values.end()) ||
        std::adjacent_find(p.values.begin(), p.values.end()) != p.values.end())
      f.fail("values", "'values': expected distinct values in increasing order");
    p.low = p.values.front();
    p.high = p.values.back();
    for (const char* key : {"low", "high", "levels"})
      if (f.has(key))
        f.fail(key, std::string("'") + key + "' in [[parameter]] '" + p.path +
                        "': give either 'values' or 'low', 'high' and 'levels'");
  } else {
    p.low = f.number("low", -ranges::kState, ranges::kState);
    p.high = f.number("high", -ranges::kState, ranges::kState);
    p.low_loc = f.loc("low");
    p.high_loc = f.loc("high");
    if (!(p.low < p.high))
      f.fail("high", fmt::format("'high' in [[parameter]] '{}': expected more than low = {}",
                                 p.path, num(p.low)));
    if (grid) p.levels = f.integer("levels", 1, 1000);
  }
  if (f.has("rationale")) p.rationale = f.string("rationale");
  p.claims = f.claims(spec.claims, spec.dir + "/claims.csv");
  f.done();
  check_against_model(p, spec);
  const auto slots = parameter_slots(spec);
  p.integer = slots.at(p.path).integer != nullptr;
  if (p.integer)
    for (const double v : p.values.empty() ? std::vector<double>{p.low, p.high} : p.values)
      if (v != std::floor(v))
        f.fail(p.values.empty() ? "low" : "values",
               "'" + p.path + "' takes whole numbers: give whole-number " +
                   (p.values.empty() ? "bounds" : "values"));
  return p;
}

}  // namespace

Experiment load_experiment(const std::string& path, const std::string& model_dir) {
  const toml::table root = parse_toml_file(path);
  Fields top(root, path, path);
  Experiment e;
  e.file = path;
  Fields f(top.table("experiment"), path, "[experiment]");
  e.name = f.string("name");
  if (!snake_case(e.name))
    f.fail("name", "'name' in [experiment]: expected a snake_case name (a-z, 0-9, _), found '" +
                       e.name + "'");
  e.description = f.string("description");
  e.scenarios_loc = f.loc("scenarios");
  for (const auto& s : f.strings("scenarios"))
    e.scenarios.push_back((fs::path(path).parent_path() / s).lexically_normal().string());
  if (e.scenarios.empty()) f.fail("scenarios", "'scenarios': name at least one scenario file");
  for (const auto& s : e.scenarios)
    if (!fs::is_regular_file(s))
      f.fail("scenarios",
             "scenario file '" + s + "' not found (paths are relative to " + path + ")");
  e.design = read_design(f);
  const bool needs_points = e.design != DesignKind::grid;
  if (needs_points) {
    e.points = f.integer("points", 2, 1'000'000);
  } else if (f.has("points")) {
    f.fail("points", "'points' in [experiment]: a grid's points are its parameters' levels");
  }
  if (e.design == DesignKind::morris && f.has("levels")) {
    e.levels = f.integer("levels", 2, 1000);
    if (e.levels % 2)
      f.fail("levels", "'levels' in [experiment]: Morris needs an even number of levels");
  } else if (f.has("levels")) {
    f.fail("levels",
           "'levels' in [experiment]: only with design = \"morris\" (a grid's levels "
           "are per parameter)");
  }
  e.runs = f.integer("runs", 2, static_cast<int>(limits::kMaxRuns));
  if (f.has("seed"))
    e.seed = static_cast<std::uint64_t>(f.integer("seed", 0, static_cast<int>(limits::kMaxSeed)));
  if (f.has("steps")) e.steps = f.integer("steps", 1, limits::kMaxSteps);
  e.metrics_loc = f.loc("metrics");
  e.metrics = f.strings("metrics");
  if (e.metrics.empty()) f.fail("metrics", "'metrics': name at least one outcome metric");

  // Parameters are checked against the first scenario's model (every scenario of an experiment
  // must share it: the sweep checks that each loads with the same parameter paths).
  std::string dir = model_dir;
  if (dir.empty())
    dir =
        (fs::path(e.scenarios.front()).parent_path() / ".." / "model").lexically_normal().string();
  ModelSpec spec = load_model(dir);
  if (f.has("claims")) e.claims = f.claims(spec.claims, spec.dir + "/claims.csv");
  f.done();
  std::set<std::string> names, paths;
  for (const toml::table* t : tables_of(top, "parameter", false)) {
    ExperimentParameter p = read_parameter(*t, path, e.design, spec);
    if (!paths.insert(p.path).second)
      throw InputError(p.path_loc, "parameter '" + p.path + "' is named twice");
    if (!names.insert(p.name).second)
      throw InputError(p.loc, "column name '" + p.name + "' is used twice");
    e.parameters.push_back(std::move(p));
  }
  if (e.parameters.empty())
    throw InputError(SourceLoc{path, 1, 1}, "expected at least one [[parameter]]");
  std::int64_t points = 1;
  switch (e.design) {
    case DesignKind::grid:
      for (const auto& p : e.parameters) {
        points *= p.values.empty() ? p.levels : static_cast<std::int64_t>(p.values.size());
        if (points > limits::kMaxDesignPoints) break;
      }
      break;
    case DesignKind::lhs:
      points = e.points;
      break;
    case DesignKind::sobol:
      points =
          static_cast<std::int64_t>(e.points) * static_cast<std::int64_t>(e.parameters.size() + 2);
      break;
    case DesignKind::morris:
      points =
          static_cast<std::int64_t>(e.points) * static_cast<std::int64_t>(e.parameters.size() + 1);
      break;
  }
  if (points > limits::kMaxDesignPoints)
    throw InputError(SourceLoc{path, 1, 1},
                     fmt::format("the design has more than {} points: fewer parameters, levels "
                                 "or points",
                                 limits::kMaxDesignPoints));
  e.n_points = static_cast<int>(points);
  top.done();
  return e;
}

}  // namespace stancesim
