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

EnsembleResult run_and_write(const LoadedScenario& loaded, const CompiledModel& model,
                             const RunOptions& options) {
  OutputFolder folder(options.out_dir, options.force);
  const fs::path& dir = folder.path();
  const OutputSet& want = options.outputs;
  EnsembleResult result;
  result.metrics = Outcomes(model).names();
  std::uint64_t bytes = 0;
  std::vector<std::string> written;
  {
    CsvFilesSink files(model, dir,
                       CsvFilesSink::Files{want.decisions, want.state, want.events,
                                           options.plan.explain_runs > 0, want.outcomes},
                       result.metrics, bytes);
    SummarySink summary(result.metrics.size(), dir / ".outcomes.spill");
    run_plan(model, options.plan, RunnerOptions{{{1, 0}}, options.progress}, {&files, &summary});
    files.close();
    written = files.written();
    result.stats = summary.stats();
  }
  throw_if_interrupted();
  if (want.summary) {
    OutFile f(dir / "summary.csv", bytes);
    f.write(summary_csv(model.scenario, result.metrics, result.stats, options.plan.runs));
    f.close();
    written.push_back("summary.csv");
  }
  written.push_back("manifest.json");
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(manifest_json(loaded, model, options, written));
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
