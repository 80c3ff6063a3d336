#include "run/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/limits.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "engine/compiled.hpp"
#include "model/params.hpp"
#include "output/csv.hpp"
#include "output/manifest.hpp"
#include "output/out_file.hpp"
#include "output/outcomes.hpp"
#include "output/output_folder.hpp"
#include "run/checkpoint.hpp"
#include "run/mpi_farm.hpp"
#include "run/results.hpp"
#include "run/runner.hpp"
#include "scenario/scenario.hpp"

namespace stancesim {

namespace fs = std::filesystem;

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

// outcomes.csv rows of one point: scenario,point,run,<kept metrics>, handed to `write` in run
// order.
class PointRowsSink : public RunSink {
 public:
  PointRowsSink(const std::vector<std::size_t>& kept, std::string prefix,
                const std::function<void(std::string_view)>& write)
      : kept_(kept), prefix_(std::move(prefix)), write_(write) {}
  void start(int slots) override { rows_.resize(static_cast<std::size_t>(slots)); }
  void process(int run, const RunRecord&, const RunOutcomes& outcomes, int slot) override {
    CsvBuffer& b = rows_[static_cast<std::size_t>(slot)];
    b.clear();
    b.raw(prefix_).integer(run);
    for (const std::size_t k : kept_) b.comma().fixed4(outcomes.values[k]);
    b.newline();
  }
  void deliver(int, const RunOutcomes&, int slot) override {
    write_(rows_[static_cast<std::size_t>(slot)].view());
  }

 private:
  const std::vector<std::size_t>& kept_;
  std::string prefix_;
  const std::function<void(std::string_view)>& write_;
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
    loaded.push_back(load_scenario(file, ScenarioOptions{options.model_dir, {}, {}, {}, {}}));
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

  const int runs = plans.front().runs;
  // The manifest is known before the first run: it is what a resumed sweep must match. Its
  // outputs' rows and sha256 are added when the files are complete.
  std::vector<std::string> outputs = {"design.csv", "parameters.csv", "points.csv"};
  if (options.outcomes) outputs.push_back("outcomes.csv");
  Json manifest = manifest_header("sweep");
  manifest["experiment"] = e.name;
  manifest["description"] = e.description;
  manifest["experiment_file"] =
      Json{{"path", manifest_path(e.file)}, {"sha256", sha256_file(e.file)}};
  manifest["design"] = design_name(e.design);
  manifest["design_points"] = rows;
  manifest["base_points"] = e.points;
  manifest["morris_levels"] = e.design == DesignKind::morris ? e.levels : 0;
  manifest["parameters"] = Json::array();
  for (const auto& p : e.parameters) manifest["parameters"].push_back(p.name);
  manifest["seed"] = plans.front().seed;
  manifest["runs"] = runs;
  manifest["threads"] = plans.front().threads;
  manifest["scenarios"] = Json::array();
  manifest["steps"] = Json::array();
  for (std::size_t s = 0; s < loaded.size(); ++s) {
    manifest["scenarios"].push_back(loaded[s].scenario.name);
    manifest["steps"].push_back(plans[s].steps);
  }
  manifest["metrics"] = e.metrics;
  manifest["files"] = Json::array();
  for (const auto& ls : loaded)
    for (const auto& f : ls.model.files) add_input_file(manifest["files"], f.path, f.sha256);
  manifest["outputs"] = Json::array();
  for (const auto& name : outputs) manifest["outputs"].push_back(Json{{"path", name}});
  manifest["command_line"] = options.command_line;
  // This process's design points: all, or a shard's block of them.
  const Shard& shard = options.shard;
  check_shard(shard, rows, "design points");
  const int first = shard.active() ? static_cast<int>(shard.first(rows)) : 0;
  const int stop = shard.active() ? static_cast<int>(shard.end(rows)) : rows;
  if (shard.active()) {
    std::vector<std::string> files = outputs;
    files.push_back("manifest.json");
    manifest = shard_manifest(manifest, shard, first, stop, files, {});
  }
  const std::string print = fingerprint(manifest);
  const std::int64_t units = static_cast<std::int64_t>(loaded.size());  // per point

  const double t = runs > 1 ? boost::math::quantile(
                                  boost::math::students_t(static_cast<double>(runs - 1)), 0.975)
                            : 0.0;
  // One unit, design point r x scenario s: its points.csv rows into `points_rows`, and its
  // outcomes.csv rows (with --per-run) to `per_run`, run by run. Safe to call from several
  // threads (MPI rank 0 computes units beside its coordinating thread).
  auto compute_unit = [&](std::int64_t unit, CsvBuffer& points_rows,
                          const std::function<void(std::string_view)>& per_run,
                          const std::function<void(int)>& progress) {
    const int r = static_cast<int>(unit / units);
    const std::size_t s = static_cast<std::size_t>(unit % units);
    ModelSpec spec = loaded[s].model;
    apply_overrides(spec, point_overrides(e, design, r));
    const CompiledModel model = compile(spec, loaded[s].scenario);
    const std::string quoted = CsvBuffer::quote(model.scenario);
    PointStatsSink stats(kept);
    PointRowsSink run_rows(kept, quoted + "," + std::to_string(r) + ",", per_run);
    std::vector<RunSink*> sinks{&stats};
    if (per_run) sinks.push_back(&run_rows);
    RunnerOptions runner{{{1, 0}}, {}};
    if (progress) runner.progress = [&](int n, int) { progress(n); };
    run_plan(model, plans[s], runner, sinks);
    points_rows.clear();
    for (std::size_t m = 0; m < kept.size(); ++m) {
      const double mean = stats.mean(m), sd = stats.sd(m);
      const double half = t * sd / std::sqrt(static_cast<double>(runs));
      points_rows.raw(quoted).comma().integer(r).comma().field(e.metrics[m]).comma();
      points_rows.integer(runs).comma().fixed4(mean).comma().fixed4(sd).comma();
      points_rows.fixed4(mean - half).comma().fixed4(mean + half).newline();
    }
  };
  // A unit as MPI carries it: its points.csv rows and its outcomes.csv rows, packed.
  auto compute_packed = [&](std::int64_t unit) {
    CsvBuffer points_rows;
    std::string outcome_rows;
    std::function<void(std::string_view)> collect;
    if (options.outcomes) collect = [&](std::string_view text) { outcome_rows += text; };
    compute_unit(unit, points_rows, collect, {});
    return mpi::pack({std::string(points_rows.view()), outcome_rows});
  };
  SweepResult result;
  result.points = rows;
  if (mpi::size() > 1 && mpi::rank() != 0) {
    // A worker rank computes the units rank 0 hands it; rank 0 alone writes.
    result.runs = mpi::serve(compute_packed) * runs;
    return result;
  }

  OutputFolder folder(options.out_dir, options.force, options.resume);
  const auto& dir = folder.path();
  // Units (point, scenario) complete: from a resumed sweep's checkpoint, else none.
  std::int64_t done = first * units;
  const std::optional<Checkpoint> resumed = adopt_checkpoint(folder, print, done, stop * units);
  if (resumed) done = resumed->done;
  std::uint64_t& bytes = result.bytes_written;
  std::map<std::string, FileDigest> digests;  // of the files as written (resumed: as kept too)
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
    digests["design.csv"] = f.digest();
  }
  {
    OutFile f(dir / "parameters.csv", bytes);
    CsvBuffer b;
    b.raw("parameter,path,low,high,whole_number,claims\n");
    for (const auto& p : e.parameters) {
      b.field(p.name).comma().field(p.path);
      b.raw(fmt::format(",{},{},", p.low, p.high)).raw(p.integer ? "true" : "false");
      b.comma().field(join(p.claims, ";")).newline();
    }
    f.write(b.view());
    f.close();
    digests["parameters.csv"] = f.digest();
  }
  OutFile points_file(dir / "points.csv", bytes, kept_length(resumed, "points.csv"));
  if (!resumed) points_file.write("scenario,point,metric,runs,mean,sd,ci_low,ci_high\n");
  std::unique_ptr<OutFile> outcomes_file;
  if (options.outcomes) {
    outcomes_file = std::make_unique<OutFile>(dir / "outcomes.csv", bytes,
                                              kept_length(resumed, "outcomes.csv"));
    std::string header = "scenario,point,run";
    for (const auto& m : e.metrics) header += "," + m;
    if (!resumed) outcomes_file->write(header + "\n");
  }
  CheckpointClock clock;
  auto checkpoint = [&](std::int64_t complete) {
    Checkpoint c;
    c.fingerprint = print;
    c.done = complete;
    points_file.flush();
    c.files.emplace_back("points.csv", points_file.size());
    if (outcomes_file) {
      outcomes_file->flush();
      c.files.emplace_back("outcomes.csv", outcomes_file->size());
    }
    write_checkpoint(dir, c);
  };
  result.runs = (done - first * units) * runs;
  const std::int64_t total_here = (stop - first) * units * runs;
  // After a unit's rows are written, in unit order: counts, test faults, checkpoints.
  auto unit_written = [&](std::int64_t unit) {
    result.runs += runs;
    std::vector<OutFile*> files{&points_file};
    if (outcomes_file) files.push_back(outcomes_file.get());
    checkpoint_fault(files);
    if (clock.due()) checkpoint(unit + 1);
  };
  std::function<void(std::string_view)> to_file;
  if (outcomes_file) to_file = [&](std::string_view text) { outcomes_file->write(text); };
  if (mpi::size() > 1) {
    // Units farmed to the ranks; each comes back as its two row texts, written here in order.
    mpi::farm(done, stop * units, compute_packed,
              [&](std::int64_t unit, const std::string& payload) {
                const auto parts = mpi::unpack(payload);
                points_file.write(parts[0]);
                if (outcomes_file) outcomes_file->write(parts[1]);
                unit_written(unit);
                if (options.progress) options.progress(result.runs, total_here);
              });
  } else {
    CsvBuffer points_rows;
    std::function<void(int)> progress;
    if (options.progress) progress = [&](int n) { options.progress(result.runs + n, total_here); };
    for (std::int64_t unit = done; unit < stop * units; ++unit) {
      compute_unit(unit, points_rows, to_file, progress);
      points_file.write(points_rows.view());
      unit_written(unit);
    }
  }
  points_file.close();
  digests["points.csv"] = points_file.digest();
  if (outcomes_file) {
    outcomes_file->close();
    digests["outcomes.csv"] = outcomes_file->digest();
  }
  throw_if_interrupted();
  fs::remove(dir / kCheckpointFile);

  // A shard's manifest names the whole work's files, which merge writes and digests.
  if (!shard.active()) digest_outputs(manifest["outputs"], dir, digests);
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(manifest_text(manifest));
    f.close();
  }
  folder.commit();
  return result;
}

}  // namespace stancesim
