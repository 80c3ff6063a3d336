#include "run/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/limits.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "engine/compiled.hpp"
#include "model/params.hpp"
#include "output/csv.hpp"
#include "output/out_file.hpp"
#include "output/outcomes.hpp"
#include "output/output_folder.hpp"
#include "run/results.hpp"
#include "run/runner.hpp"
#include "scenario/scenario.hpp"
#include "version.hpp"

namespace stancesim {

namespace {

// low + u (high - low) can land an ulp beyond high (0.2 + 3 * 0.8 / 3 = 1.0000000000000002),
// which a parameter declared up to high refuses: values are clamped to the range's ends.
double scaled(const ExperimentParameter& p, double u) {
  if (!p.integer) return std::clamp(p.low + u * (p.high - p.low), p.low, p.high);
  return std::min(p.high, p.low + std::floor(u * (p.high - p.low + 1)));
}

// Running moments of the kept metrics over one point's runs, in run order (Welford).
class PointStatsSink : public RunSink {
 public:
  explicit PointStatsSink(const std::vector<std::size_t>& kept)
      : kept_(kept), mean_(kept.size()), m2_(kept.size()) {}
  void deliver(int, const RunOutcomes& outcomes, int) override {
    ++n_;
    for (std::size_t k = 0; k < kept_.size(); ++k) {
      const double x = outcomes.values[kept_[k]];
      const double delta = x - mean_[k];
      mean_[k] += delta / n_;
      m2_[k] += delta * (x - mean_[k]);
    }
  }
  double mean(std::size_t k) const { return mean_[k]; }
  double sd(std::size_t k) const { return n_ > 1 ? std::sqrt(m2_[k] / (n_ - 1)) : 0.0; }

 private:
  const std::vector<std::size_t>& kept_;
  std::vector<double> mean_, m2_;
  double n_ = 0;
};

// outcomes.csv rows of one point: scenario,point,run,<kept metrics>.
class PointRowsSink : public RunSink {
 public:
  PointRowsSink(const std::vector<std::size_t>& kept, std::string prefix, OutFile* file)
      : kept_(kept), prefix_(std::move(prefix)), file_(file) {}
  void start(int slots) override { rows_.resize(static_cast<std::size_t>(slots)); }
  void process(int run, const RunRecord&, const RunOutcomes& outcomes, int slot) override {
    CsvBuffer& b = rows_[static_cast<std::size_t>(slot)];
    b.clear();
    b.raw(prefix_).integer(run);
    for (const std::size_t k : kept_) b.comma().fixed4(outcomes.values[k]);
    b.newline();
  }
  void deliver(int, const RunOutcomes&, int slot) override {
    file_->write(rows_[static_cast<std::size_t>(slot)].view());
  }

 private:
  const std::vector<std::size_t>& kept_;
  std::string prefix_;
  OutFile* file_;
  std::vector<CsvBuffer> rows_;
};

std::vector<Override> point_overrides(const Experiment& e, const SweepDesign& d, int row) {
  std::vector<Override> out;
  for (std::size_t j = 0; j < e.parameters.size(); ++j) {
    const ExperimentParameter& p = e.parameters[j];
    Override o;
    o.path = p.path;
    o.value = d.value(row, j);
    o.rationale = "sweep point " + std::to_string(row);
    o.claims = p.claims;
    o.loc = p.loc;
    o.path_loc = p.path_loc;
    out.push_back(std::move(o));
  }
  return out;
}

std::string describe_point(const Experiment& e, const SweepDesign& d, int row) {
  std::string s;
  for (std::size_t j = 0; j < e.parameters.size(); ++j)
    s += (j ? ", " : "") + e.parameters[j].name + " = " + fmt::format("{}", d.value(row, j));
  return s;
}

}  // namespace

SweepDesign build_design(const Experiment& e) {
  const int k = static_cast<int>(e.parameters.size());
  SweepDesign d;
  switch (e.design) {
    case DesignKind::grid: {
      std::vector<int> levels;
      for (const auto& p : e.parameters)
        levels.push_back(p.values.empty() ? p.levels : static_cast<int>(p.values.size()));
      d.unit = grid_design(levels);
      break;
    }
    case DesignKind::lhs:
      d.unit = latin_hypercube_design(k, e.points, e.seed);
      break;
    case DesignKind::sobol:
      d.unit = saltelli_design(k, e.points);
      break;
    case DesignKind::morris:
      d.unit = morris_design(k, e.points, e.levels, e.seed);
      break;
  }
  d.values.resize(d.unit.x.size());
  for (int r = 0; r < d.rows(); ++r)
    for (int j = 0; j < k; ++j) {
      const ExperimentParameter& p = e.parameters[static_cast<std::size_t>(j)];
      const double u = d.unit.at(r, j);
      double v = 0;
      if (e.design == DesignKind::grid) {
        const int n = p.values.empty() ? p.levels : static_cast<int>(p.values.size());
        const int level = n == 1 ? 0 : static_cast<int>(std::lround(u * (n - 1)));
        if (!p.values.empty())
          v = p.values[static_cast<std::size_t>(level)];
        else
          v = n == 1 ? p.low + 0.5 * (p.high - p.low)
                     : std::clamp(p.low + level * (p.high - p.low) / (n - 1), p.low, p.high);
        if (p.integer) v = std::round(v);
      } else {
        v = scaled(p, u);
      }
      d.values[static_cast<std::size_t>(r * k + j)] = v;
    }
  return d;
}

SweepResult run_sweep(const Experiment& e, const SweepOptions& options) {
  const SweepDesign design = build_design(e);
  const int rows = design.rows();
  const std::size_t k = e.parameters.size();

  // Scenarios, their plans and the metrics' columns, all checked before any work.
  std::vector<LoadedScenario> loaded;
  std::set<std::string> names;
  for (const auto& file : e.scenarios) {
    loaded.push_back(load_scenario(file, ScenarioOptions{options.model_dir, {}, {}, {}}));
    if (!names.insert(loaded.back().scenario.name).second)
      throw InputError(e.scenarios_loc,
                       "scenario '" + loaded.back().scenario.name + "' is named twice");
  }
  PlanRequest request = options.request;
  if (!request.runs) request.runs = e.runs;
  if (!request.seed) request.seed = static_cast<std::int64_t>(e.seed);
  if (!request.steps && e.steps) request.steps = *e.steps;
  std::vector<RunPlan> plans;
  for (auto& ls : loaded) plans.push_back(resolve_plan(request, ls.scenario));
  const std::int64_t total_runs =
      static_cast<std::int64_t>(rows) * static_cast<std::int64_t>(loaded.size()) * *request.runs;
  if (total_runs > limits::kMaxSweepRuns)
    throw InputError(fmt::format(
        "{} points x {} scenarios x {} runs = {} runs, more than the limit of {} per sweep: ask "
        "for fewer points or --runs, or split the work",
        rows, loaded.size(), *request.runs, total_runs, limits::kMaxSweepRuns));
  std::vector<std::size_t> kept;
  {
    const std::vector<std::string> all =
        Outcomes(compile(loaded.front().model, loaded.front().scenario)).names();
    for (const auto& m : e.metrics) {
      const auto it = std::find(all.begin(), all.end(), m);
      if (it == all.end()) {
        const auto [best, distance] = closest(m, all);
        throw InputError(e.metrics_loc,
                         "unknown outcome metric '" + m + "'" +
                             (distance <= 4 ? " (did you mean '" + best + "'?)"
                                            : " (metrics are listed in docs/outputs.md)"));
      }
      kept.push_back(static_cast<std::size_t>(it - all.begin()));
    }
    for (const auto& ls : loaded)
      if (Outcomes(compile(ls.model, ls.scenario)).names() != all)
        throw InputError(e.scenarios_loc, "scenario '" + ls.scenario.name +
                                              "' has other outcome metrics than '" +
                                              loaded.front().scenario.name +
                                              "': a sweep's scenarios share one model");
  }
  // Every point's values are legal together (constraints across numbers) in every scenario.
  for (int r = 0; r < rows; ++r) {
    const std::vector<Override> overrides = point_overrides(e, design, r);
    for (const auto& ls : loaded) {
      ModelSpec spec = ls.model;
      try {
        apply_overrides(spec, overrides);
      } catch (const InputError& ex) {
        throw InputError(fmt::format("design point {} ({}) in scenario '{}': {}", r,
                                     describe_point(e, design, r), ls.scenario.name, ex.what()));
      }
    }
  }

  OutputFolder folder(options.out_dir, options.force);
  const auto& dir = folder.path();
  SweepResult result;
  result.points = rows;
  std::vector<std::string> written;
  std::uint64_t& bytes = result.bytes_written;
  {
    OutFile f(dir / "design.csv", bytes);
    std::string header = "point";
    for (const auto& p : e.parameters) header += "," + p.name;
    f.write(header + "\n");
    for (int r = 0; r < rows; ++r) {
      std::string line = std::to_string(r);
      for (std::size_t j = 0; j < k; ++j) line += fmt::format(",{}", design.value(r, j));
      f.write(line + "\n");
    }
    f.close();
    written.push_back("design.csv");
  }
  {
    OutFile f(dir / "parameters.csv", bytes);
    CsvBuffer b;
    b.raw("parameter,path,low,high,whole_number,claims\n");
    for (const auto& p : e.parameters) {
      std::string claims;
      for (const auto& c : p.claims) claims += (claims.empty() ? "" : ";") + c;
      b.field(p.name).comma().field(p.path);
      b.raw(fmt::format(",{},{},", p.low, p.high)).raw(p.integer ? "true" : "false");
      b.comma().field(claims).newline();
    }
    f.write(b.view());
    f.close();
    written.push_back("parameters.csv");
  }
  OutFile points_file(dir / "points.csv", bytes);
  points_file.write("scenario,point,metric,runs,mean,sd,ci_low,ci_high\n");
  written.push_back("points.csv");
  std::unique_ptr<OutFile> outcomes_file;
  if (options.outcomes) {
    outcomes_file = std::make_unique<OutFile>(dir / "outcomes.csv", bytes);
    std::string header = "scenario,point,run";
    for (const auto& m : e.metrics) header += "," + m;
    outcomes_file->write(header + "\n");
    written.push_back("outcomes.csv");
  }
  const int runs = plans.front().runs;
  const double t = runs > 1 ? boost::math::quantile(
                                  boost::math::students_t(static_cast<double>(runs - 1)), 0.975)
                            : 0.0;
  CsvBuffer rows_text;
  for (int r = 0; r < rows; ++r) {
    const std::vector<Override> overrides = point_overrides(e, design, r);
    for (std::size_t s = 0; s < loaded.size(); ++s) {
      ModelSpec spec = loaded[s].model;
      apply_overrides(spec, overrides);
      const CompiledModel model = compile(spec, loaded[s].scenario);
      const std::string quoted = CsvBuffer::quote(model.scenario);
      PointStatsSink stats(kept);
      PointRowsSink per_run(kept, quoted + "," + std::to_string(r) + ",", outcomes_file.get());
      std::vector<RunSink*> sinks{&stats};
      if (outcomes_file) sinks.push_back(&per_run);
      RunnerOptions runner{{{1, 0}}, {}};
      if (options.progress)
        runner.progress = [&](int done, int) { options.progress(result.runs + done, total_runs); };
      run_plan(model, plans[s], runner, sinks);
      rows_text.clear();
      for (std::size_t m = 0; m < kept.size(); ++m) {
        const double mean = stats.mean(m), sd = stats.sd(m);
        const double half = t * sd / std::sqrt(static_cast<double>(runs));
        rows_text.raw(quoted).comma().integer(r).comma().field(e.metrics[m]).comma().integer(runs);
        rows_text.comma().fixed4(mean).comma().fixed4(sd).comma().fixed4(mean - half).comma();
        rows_text.fixed4(mean + half).newline();
      }
      points_file.write(rows_text.view());
      result.runs += runs;
    }
  }
  points_file.close();
  if (outcomes_file) outcomes_file->close();
  throw_if_interrupted();

  written.push_back("manifest.json");
  std::string j = "{\n";
  j += fmt::format("  \"program\": \"stancesim\",\n  \"command\": \"sweep\",\n");
  j += fmt::format("  \"version\": {},\n  \"git_commit\": {},\n", json_quote(kVersion),
                   json_quote(kGitCommit));
  j += fmt::format("  \"experiment\": {},\n  \"description\": {},\n", json_quote(e.name),
                   json_quote(e.description));
  j += fmt::format("  \"experiment_file\": {{\"path\": {}, \"sha256\": \"{}\"}},\n",
                   json_quote(e.file), sha256_file(e.file));
  j += fmt::format(
      "  \"design\": \"{}\",\n  \"design_points\": {},\n  \"base_points\": {},\n  "
      "\"morris_levels\": {},\n  \"parameters\": {},\n",
      design_name(e.design), rows, e.points, e.design == DesignKind::morris ? e.levels : 0,
      json_list([&] {
        std::vector<std::string> v;
        for (const auto& p : e.parameters) v.push_back(p.name);
        return v;
      }()));
  j += fmt::format("  \"seed\": {},\n  \"runs\": {},\n  \"threads\": {},\n", plans.front().seed,
                   runs, plans.front().threads);
  std::vector<std::string> scenario_names, steps;
  for (std::size_t s = 0; s < loaded.size(); ++s) {
    scenario_names.push_back(loaded[s].scenario.name);
    steps.push_back(std::to_string(plans[s].steps));
  }
  j += "  \"scenarios\": " + json_list(scenario_names) + ",\n";
  j += "  \"steps\": [" + [&] {
    std::string out;
    for (std::size_t i = 0; i < steps.size(); ++i) out += (i ? ", " : "") + steps[i];
    return out;
  }() + "],\n";
  j += "  \"metrics\": " + json_list(e.metrics) + ",\n";
  j += "  \"files\": [";
  bool first = true;
  std::set<std::string> seen;
  for (const auto& ls : loaded)
    for (const auto& f : ls.model.files)
      if (seen.insert(f.path).second) {
        j += fmt::format("{}\n    {{\"path\": {}, \"sha256\": \"{}\"}}", first ? "" : ",",
                         json_quote(f.path), f.sha256);
        first = false;
      }
  j += "\n  ],\n  \"outputs\": " + json_list(written) + ",\n";
  j += "  \"command_line\": " + json_list(options.command_line) + "\n}\n";
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(j);
    f.close();
  }
  folder.commit();
  return result;
}

}  // namespace stancesim
