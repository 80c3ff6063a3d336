#include "output/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "output/outcomes.hpp"
#include "output/output_folder.hpp"
#include "output/run_format.hpp"
#include "output/summary.hpp"
#include "version.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

class OutFile {
 public:
  OutFile(const fs::path& path, std::uint64_t& bytes) : path_(path), bytes_(bytes) {
    buffer_.resize(1 << 20);
    out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    out_.open(path, std::ios::binary);
    if (!out_) throw RuntimeFailure("cannot write " + path.string());
  }
  void write(std::string_view s) {
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
    if (!out_)
      throw RuntimeFailure("error while writing " + path_.string() + ": " + std::strerror(errno));
    bytes_ += s.size();
  }
  void close() {
    out_.close();
    if (!out_) throw RuntimeFailure("error while writing " + path_.string());
  }

 private:
  fs::path path_;
  std::uint64_t& bytes_;
  std::vector<char> buffer_;
  std::ofstream out_;
};

}  // namespace

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

namespace {
struct Slot {
  RunText text;
  std::vector<double> outcomes;
  CsvBuffer outcome_row;
};
}  // namespace

EnsembleResult run_in_memory(const CompiledModel& model, const EnsembleConfig& config,
                             bool format) {
  const Outcomes outcomes(model);
  const RunFormatter formatter(model);
  EnsembleResult result;
  result.metrics = outcomes.names();
  run_ensemble<Slot>(
      model, config,
      [&](int run, const RunRecord& record, Slot& slot) {
        slot.outcomes.resize(result.metrics.size());
        outcomes.compute(record, slot.outcomes.data());
        if (format) {
          slot.text.clear();
          formatter.format(run, record, slot.text);
        }
      },
      [&](int, Slot& slot) {
        const RunText& t = slot.text;
        result.bytes_written +=
            t.decisions.size() + t.state.size() + t.events.size() + t.utilities.size();
      });
  return result;
}

EnsembleResult run_and_write(const LoadedScenario& loaded, const CompiledModel& model,
                             const RunOptions& options) {
  OutputFolder folder(options.out_dir, options.force);
  const fs::path& dir = folder.path();
  const OutputSet& want = options.outputs;
  const RunFormatter formatter(model, RunParts{want.decisions, want.state, want.events});
  const Outcomes outcomes(model);
  EnsembleResult result;
  result.metrics = outcomes.names();
  const std::size_t nm = result.metrics.size();
  const std::string scenario = CsvBuffer::quote(model.scenario);
  std::uint64_t bytes = 0;
  std::vector<std::string> written;
  // Files in the order of the manifest's list; null when not written.
  auto open = [&](bool wanted, const char* name, const std::string& header) {
    if (!wanted) return std::unique_ptr<OutFile>();
    auto f = std::make_unique<OutFile>(dir / name, bytes);
    f->write(header);
    written.push_back(name);
    return f;
  };
  auto decisions = open(want.decisions, "decisions.csv", formatter.decisions_header());
  auto state = open(want.state, "state.csv", formatter.state_header());
  auto events = open(want.events, "events.csv", formatter.events_header());
  auto utilities = open(options.explain_runs > 0, "utilities.csv", formatter.utilities_header());
  auto outcomes_file = open(want.outcomes, "outcomes.csv", outcomes_header(result.metrics));
  {
    OutcomeColumns columns(nm, dir / ".outcomes.spill");
    const EnsembleConfig config{options.runs, options.seed, options.threads, options.explain_runs};
    run_ensemble<Slot>(
        model, config,
        [&](int run, const RunRecord& record, Slot& slot) {
          slot.outcomes.resize(nm);
          outcomes.compute(record, slot.outcomes.data());
          slot.text.clear();
          formatter.format(run, record, slot.text);
          if (outcomes_file) {
            slot.outcome_row.clear();
            outcomes_row(slot.outcome_row, scenario, run, slot.outcomes.data(), nm);
          }
        },
        [&](int run, Slot& slot) {
          if (decisions) decisions->write(slot.text.decisions.view());
          if (state) state->write(slot.text.state.view());
          if (events) events->write(slot.text.events.view());
          if (utilities) utilities->write(slot.text.utilities.view());
          if (outcomes_file) outcomes_file->write(slot.outcome_row.view());
          columns.add(slot.outcomes.data());
          if (options.progress) options.progress(run + 1, options.runs);
        });
    for (auto* f :
         {decisions.get(), state.get(), events.get(), utilities.get(), outcomes_file.get()})
      if (f) f->close();
    result.stats = columns.describe_all();
  }
  throw_if_interrupted();
  if (want.summary) {
    OutFile f(dir / "summary.csv", bytes);
    f.write(summary_csv(model.scenario, result.metrics, result.stats, options.runs));
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
      options.seed, options.runs, model.steps, options.threads,
      std::min(options.explain_runs, options.runs));
  j += fmt::format("  \"start_date\": {},\n", json_quote(model.dates.front()));
  std::string views;
  for (const auto& v : sc.views) views += (views.empty() ? "" : ", ") + json_quote(v);
  j += "  \"views\": [" + views + "],\n";
  j += "  \"scenario_chain\": [";
  for (std::size_t i = 0; i < sc.chain.size(); ++i) j += (i ? ", " : "") + json_quote(sc.chain[i]);
  j += "],\n  \"overrides\": [";
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
  j += "\n  ],\n  \"outputs\": [";
  for (std::size_t i = 0; i < outputs.size(); ++i) j += (i ? ", " : "") + json_quote(outputs[i]);
  j += "],\n  \"command_line\": [";
  for (std::size_t i = 0; i < options.command_line.size(); ++i)
    j += (i ? ", " : "") + json_quote(options.command_line[i]);
  j += "]\n}\n";
  return j;
}

}  // namespace stancesim
