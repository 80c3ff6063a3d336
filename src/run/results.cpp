#include "run/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "output/out_file.hpp"
#include "output/outcomes.hpp"
#include "output/output_folder.hpp"
#include "output/summary.hpp"
#include "run/checkpoint.hpp"
#include "run/runner.hpp"
#include "run/sinks.hpp"
#include "version.hpp"

namespace stancesim {

namespace fs = std::filesystem;

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    else
      out += c;
  }
  return out + "\"";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + json_quote(items[i]);
  return out + "]";
}

OutputSet OutputSet::parse(const std::string& list) {
  static const char* const kNames[] = {"decisions", "state", "events", "outcomes", "summary"};
  OutputSet set{false, false, false, false, false};
  bool* flags[] = {&set.decisions, &set.state, &set.events, &set.outcomes, &set.summary};
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    const std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (name == "all") {
      set = OutputSet{};
    } else {
      const auto it = std::find(std::begin(kNames), std::end(kNames), name);
      if (it == std::end(kNames))
        throw InputError(fmt::format(
            "--outputs: unknown output '{}' (known: all, decisions, state, events, outcomes, "
            "summary; manifest.json is always written, utilities.csv with --explain)",
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
  return {want.decisions, want.state, want.events, options.plan.explain_runs > 0, want.outcomes};
}
}  // namespace

std::string result_manifest(const LoadedScenario& loaded, const CompiledModel& model,
                            const RunOptions& options) {
  const CsvFilesSink::Files csv = csv_files(options);
  std::vector<std::string> outputs = CsvFilesSink::names(csv);
  if (options.outputs.summary) outputs.push_back("summary.csv");
  outputs.push_back("manifest.json");
  const std::string manifest = manifest_json(loaded, model, options, outputs);
  const Shard& shard = options.shard;
  if (!shard.active()) return manifest;
  std::vector<std::string> files = CsvFilesSink::names(csv);
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
  const std::string manifest = result_manifest(loaded, model, options);
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
    result.stats = summary.stats();
  }
  throw_if_interrupted();
  if (!shard.active()) fs::remove(dir / kValuesFile);
  fs::remove(dir / kCheckpointFile);
  if (want.summary && !shard.active()) {
    OutFile f(dir / "summary.csv", bytes);
    f.write(summary_csv(model.scenario, result.metrics, result.stats, options.plan.runs));
    f.close();
  }
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(manifest);
    f.close();
  }
  result.bytes_written = bytes;
  folder.commit();
  return result;
}

std::string manifest_json(const LoadedScenario& loaded, const CompiledModel& model,
                          const RunOptions& options, const std::vector<std::string>& outputs) {
  const Scenario& sc = loaded.scenario;
  std::string j = "{\n";
  j += fmt::format("  \"program\": \"stancesim\",\n  \"version\": {},\n  \"git_commit\": {},\n",
                   json_quote(kVersion), json_quote(kGitCommit));
  j += fmt::format("  \"scenario\": {},\n  \"description\": {},\n", json_quote(sc.name),
                   json_quote(sc.description));
  j += fmt::format(
      "  \"seed\": {},\n  \"runs\": {},\n  \"steps\": {},\n  \"threads\": {},\n  "
      "\"explained_runs\": {},\n",
      options.plan.seed, options.plan.runs, model.steps, options.plan.threads,
      std::min(options.plan.explain_runs, options.plan.runs));
  j += fmt::format("  \"start_date\": {},\n", json_quote(model.dates.front()));
  j += "  \"views\": " + json_list(sc.views) + ",\n";
  j += "  \"scenario_chain\": " + json_list(sc.chain) + ",\n  \"overrides\": [";
  for (std::size_t i = 0; i < sc.overrides.size(); ++i) {
    const auto& o = sc.overrides[i];
    const std::string where = o.loc.file + (o.loc.line ? ":" + std::to_string(o.loc.line) : "");
    j += fmt::format("{}\n    {{\"path\": {}, \"value\": {}, \"from\": {}}}", i ? "," : "",
                     json_quote(o.path), o.value, json_quote(where));
  }
  j += sc.overrides.empty() ? "],\n" : "\n  ],\n";
  j += "  \"files\": [";
  for (std::size_t i = 0; i < loaded.model.files.size(); ++i) {
    const auto& f = loaded.model.files[i];
    j += fmt::format("{}\n    {{\"path\": {}, \"sha256\": \"{}\"}}", i ? "," : "",
                     json_quote(f.path), f.sha256);
  }
  j += "\n  ],\n  \"outputs\": " + json_list(outputs) + ",\n";
  j += "  \"command_line\": " + json_list(options.command_line) + "\n}\n";
  return j;
}

}  // namespace stancesim
