#include "run/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "output/manifest.hpp"
#include "output/out_file.hpp"
#include "output/outcomes.hpp"
#include "output/output_folder.hpp"
#include "output/summary.hpp"
#include "run/checkpoint.hpp"
#include "run/runner.hpp"
#include "run/sinks.hpp"

namespace stancesim {

namespace fs = std::filesystem;

OutputSet OutputSet::parse(const std::string& list) {
  static const char* const kNames[] = {"decisions", "state",   "events",
                                       "outcomes",  "summary", "outcomes_long"};
  OutputSet set{false, false, false, false, false, false};
  bool* flags[] = {&set.decisions, &set.state,   &set.events,
                   &set.outcomes,  &set.summary, &set.outcomes_long};
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    const std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (name == "all") {
      set = OutputSet{true, true, true, true, true, set.outcomes_long};
    } else {
      const auto it = std::find(std::begin(kNames), std::end(kNames), name);
      if (it == std::end(kNames))
        throw InputError(fmt::format(
            "--outputs: unknown output '{}' (known: all, decisions, state, events, outcomes, "
            "summary, outcomes_long; all = the first five; manifest.json is always written, "
            "utilities.csv with --explain, metrics.csv with outcomes or summary)",
            name));
      *flags[it - std::begin(kNames)] = true;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return set;
}

EnsembleResult run_in_memory(const CompiledModel& model, const RunPlan& plan, bool format) {
  EnsembleResult result;
  result.metrics = Outcomes(model).names();
  FormatOnlySink text(model);
  std::vector<RunSink*> sinks;
  if (format) sinks.push_back(&text);
  run_plan(model, plan, RunnerOptions{{{1, 0}}, {}}, sinks);
  result.bytes_written = text.bytes();
  return result;
}

namespace {
CsvFilesSink::Files csv_files(const RunOptions& options) {
  const OutputSet& want = options.outputs;
  return {want.decisions, want.state,        want.events, options.plan.explain_runs > 0,
          want.outcomes,  want.outcomes_long};
}

// The manifest as known before the first run: "outputs" names the files.
Json run_manifest(const LoadedScenario& loaded, const CompiledModel& model,
                  const RunOptions& options, const std::vector<std::string>& outputs) {
  const Scenario& sc = loaded.scenario;
  Json j = manifest_header("");
  j["scenario"] = sc.name;
  j["description"] = sc.description;
  j["seed"] = options.plan.seed;
  j["runs"] = options.plan.runs;
  j["steps"] = model.steps;
  j["threads"] = options.plan.threads;
  j["explained_runs"] = std::min(options.plan.explain_runs, options.plan.runs);
  j["start_date"] = model.dates.front();
  j["views"] = Json::array();
  for (const auto& v : sc.views) j["views"].push_back(v);
  j["scenario_chain"] = Json::array();
  for (const auto& file : sc.chain) j["scenario_chain"].push_back(manifest_path(file));
  j["overrides"] = Json::array();
  for (const auto& o : sc.overrides) {
    // From a file (at its line), or from the command line (--set PATH=VALUE).
    const std::string from =
        o.loc.line ? manifest_path(o.loc.file) + ":" + std::to_string(o.loc.line) : o.loc.file;
    j["overrides"].push_back(Json{{"path", o.path}, {"value", o.value}, {"from", from}});
  }
  j["files"] = Json::array();
  for (const auto& f : loaded.model.files) add_input_file(j["files"], f.path, f.sha256);
  j["outputs"] = Json::array();
  for (const auto& name : outputs) j["outputs"].push_back(Json{{"path", name}});
  j["command_line"] = options.command_line;
  return j;
}
}  // namespace

Json result_manifest(const LoadedScenario& loaded, const CompiledModel& model,
                     const RunOptions& options) {
  const CsvFilesSink::Files csv = csv_files(options);
  std::vector<std::string> outputs = CsvFilesSink::names(csv);
  if (options.outputs.summary) outputs.push_back("summary.csv");
  if (options.outputs.metrics()) outputs.push_back(kMetricsFile);
  const Json manifest = run_manifest(loaded, model, options, outputs);
  const Shard& shard = options.shard;
  if (!shard.active()) return manifest;
  std::vector<std::string> files = CsvFilesSink::names(csv);
  if (options.outputs.metrics()) files.push_back(kMetricsFile);  // the same in every shard
  files.push_back(kValuesFile);
  files.push_back("manifest.json");
  return shard_manifest(manifest, shard, shard.first(options.plan.runs),
                        shard.end(options.plan.runs), files, Outcomes(model).names());
}

EnsembleResult run_and_write(const LoadedScenario& loaded, const CompiledModel& model,
                             const RunOptions& options) {
  OutputFolder folder(options.out_dir, options.force, options.resume);
  const fs::path& dir = folder.path();
  const OutputSet& want = options.outputs;
  EnsembleResult result;
  result.metrics = Outcomes(model).names();
  const CsvFilesSink::Files csv = csv_files(options);

  // The manifest is known before the first run: it is what a resumed run must match.
  Json manifest = result_manifest(loaded, model, options);
  RunPlan plan = options.plan;
  const Shard& shard = options.shard;
  if (shard.active()) {
    plan.begin = static_cast<int>(shard.first(plan.runs));
    plan.end = static_cast<int>(shard.end(plan.runs));
  }
  const std::string print = fingerprint(manifest);
  const std::optional<Checkpoint> resumed =
      adopt_checkpoint(folder, print, plan.first(), plan.stop());
  const int begin = plan.first();
  if (resumed) plan.begin = static_cast<int>(resumed->done);

  std::uint64_t bytes = 0;
  std::map<std::string, FileDigest> digests;  // of the files as written (resumed: as kept too)
  {
    CsvFilesSink files(model, dir, csv, result.metrics, bytes, resumed ? &*resumed : nullptr);
    ValuesSink values(dir / kValuesFile, result.metrics.size(), bytes,
                      kept_length(resumed, kValuesFile));
    SummarySink summary(result.metrics.size(), dir / ".outcomes.spill");
    // A resumed run's summary starts from the runs its checkpoint kept.
    if (resumed)
      read_values(dir / kValuesFile, plan.first() - begin, result.metrics.size(),
                  [&](const double* v) { summary.add(v); });
    std::vector<OutFile*> checkpointed = files.files();
    checkpointed.push_back(&values.file());
    CheckpointSink checkpoint(dir, print, checkpointed);
    auto progress = options.progress;
    if (progress && resumed)
      progress = [&](int done, int total) {
        options.progress(done + plan.first() - begin, total + plan.first() - begin);
      };
    run_plan(model, plan, RunnerOptions{{{1, 0}}, progress},
             {&files, &values, &summary, &checkpoint});
    files.close();
    values.file().close();
    for (OutFile* f : files.files()) digests[f->path().filename().string()] = f->digest();
    result.stats = summary.stats();
  }
  throw_if_interrupted();
  if (!shard.active()) fs::remove(dir / kValuesFile);
  fs::remove(dir / kCheckpointFile);
  if (want.summary && !shard.active()) {
    OutFile f(dir / "summary.csv", bytes);
    f.write(summary_csv(model.scenario, result.metrics, result.stats, options.plan.runs));
    f.close();
    digests["summary.csv"] = f.digest();
  }
  if (want.metrics()) {
    OutFile f(dir / kMetricsFile, bytes);
    f.write(metrics_csv(Outcomes(model)));
    f.close();
    digests[kMetricsFile] = f.digest();
  }
  // A shard's manifest names the whole work's files, which merge writes and digests.
  if (!shard.active()) digest_outputs(manifest["outputs"], dir, digests);
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(manifest_text(manifest));
    f.close();
  }
  result.bytes_written = bytes;
  folder.commit();
  return result;
}

}  // namespace stancesim
