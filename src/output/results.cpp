#include "output/results.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "core/error.hpp"
#include "output/outcomes.hpp"
#include "output/run_format.hpp"
#include "output/summary.hpp"
#include "version.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

struct Slot {
  RunText text;
  std::vector<double> outcomes;
};

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

std::string json_string(const std::string& s) {
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

}  // namespace

void check_output_dir(const std::string& dir, bool force) {
  if (fs::exists(dir) && !force)
    throw InputError(SourceLoc{dir, 0, 0},
                     "output folder exists: choose another --out or add --force");
}

namespace {
// Runs the ensemble, keeping every run's outcomes; with `format`, hands each run's CSV text to
// `sink` on the calling thread, in run order.
EnsembleResult collect(const CompiledModel& model, const EnsembleConfig& config, bool format,
                       const std::function<void(int, const RunText&)>& sink) {
  const Outcomes outcomes(model);
  const RunFormatter formatter(model);
  EnsembleResult result;
  result.metrics = outcomes.names();
  const std::size_t nm = result.metrics.size();
  result.outcomes.resize(static_cast<std::size_t>(config.runs) * nm);
  run_ensemble<Slot>(
      model, config,
      [&](int run, const RunRecord& record, Slot& slot) {
        slot.outcomes.resize(nm);
        outcomes.compute(record, slot.outcomes.data());
        if (format) {
          slot.text.clear();
          formatter.format(run, record, slot.text);
        }
      },
      [&](int run, Slot& slot) {
        std::copy(slot.outcomes.begin(), slot.outcomes.end(),
                  result.outcomes.begin() +
                      static_cast<std::ptrdiff_t>(static_cast<std::size_t>(run) * nm));
        sink(run, slot.text);
      });
  return result;
}
}  // namespace

EnsembleResult run_in_memory(const CompiledModel& model, const EnsembleConfig& config,
                             bool format) {
  std::uint64_t bytes = 0;
  EnsembleResult result = collect(model, config, format, [&](int, const RunText& text) {
    bytes += text.decisions.size() + text.state.size() + text.events.size() + text.utilities.size();
  });
  result.bytes_written = bytes;
  return result;
}

EnsembleResult run_and_write(const LoadedScenario& loaded, const CompiledModel& model,
                             const RunOptions& options) {
  check_output_dir(options.out_dir, options.force);
  const fs::path final_dir(options.out_dir);
  if (final_dir.has_parent_path()) fs::create_directories(final_dir.parent_path());
  const fs::path tmp = final_dir.string() + ".tmp-" + std::to_string(::getpid());
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    const RunFormatter formatter(model);
    std::uint64_t bytes = 0;
    OutFile decisions(tmp / "decisions.csv", bytes), state(tmp / "state.csv", bytes),
        events(tmp / "events.csv", bytes);
    std::unique_ptr<OutFile> utilities;
    if (options.explain_runs > 0)
      utilities = std::make_unique<OutFile>(tmp / "utilities.csv", bytes);
    decisions.write(formatter.decisions_header());
    state.write(formatter.state_header());
    events.write(formatter.events_header());
    if (utilities) utilities->write(formatter.utilities_header());
    const EnsembleConfig config{options.runs, options.seed, options.threads, options.explain_runs};
    EnsembleResult result = collect(model, config, true, [&](int run, const RunText& text) {
      decisions.write(text.decisions.view());
      state.write(text.state.view());
      events.write(text.events.view());
      if (utilities) utilities->write(text.utilities.view());
      if (options.progress) options.progress(run + 1, options.runs);
    });
    decisions.close();
    state.close();
    events.close();
    if (utilities) utilities->close();
    std::vector<std::string> outputs = {"decisions.csv", "state.csv", "events.csv"};
    if (utilities) outputs.push_back("utilities.csv");
    outputs.insert(outputs.end(), {"outcomes.csv", "summary.csv", "manifest.json"});
    for (const auto& [name, text] :
         {std::pair{"outcomes.csv",
                    outcomes_csv(model.scenario, result.metrics, result.outcomes, options.runs)},
          std::pair{"summary.csv",
                    summary_csv(model.scenario, result.metrics, result.outcomes, options.runs)},
          std::pair{"manifest.json", manifest_json(loaded, model, options, outputs)}}) {
      OutFile f(tmp / name, bytes);
      f.write(text);
      f.close();
    }
    result.bytes_written = bytes;
    if (fs::exists(final_dir)) fs::remove_all(final_dir);
    fs::rename(tmp, final_dir);
    return result;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

std::string manifest_json(const LoadedScenario& loaded, const CompiledModel& model,
                          const RunOptions& options, const std::vector<std::string>& outputs) {
  const Scenario& sc = loaded.scenario;
  std::string j = "{\n";
  j += fmt::format("  \"program\": \"stancesim\",\n  \"version\": {},\n  \"git_commit\": {},\n",
                   json_string(kVersion), json_string(kGitCommit));
  j += fmt::format("  \"scenario\": {},\n  \"description\": {},\n", json_string(sc.name),
                   json_string(sc.description));
  j += fmt::format(
      "  \"seed\": {},\n  \"runs\": {},\n  \"steps\": {},\n  \"threads\": {},\n  "
      "\"explained_runs\": {},\n",
      options.seed, options.runs, model.steps, options.threads,
      std::min(options.explain_runs, options.runs));
  j += fmt::format("  \"start_date\": {},\n", json_string(model.dates.front()));
  std::string views;
  for (const auto& v : sc.views) views += (views.empty() ? "" : ", ") + json_string(v);
  j += "  \"views\": [" + views + "],\n";
  j += "  \"scenario_chain\": [";
  for (std::size_t i = 0; i < sc.chain.size(); ++i) j += (i ? ", " : "") + json_string(sc.chain[i]);
  j += "],\n  \"overrides\": [";
  for (std::size_t i = 0; i < sc.overrides.size(); ++i) {
    const auto& o = sc.overrides[i];
    const std::string where = o.loc.file + (o.loc.line ? ":" + std::to_string(o.loc.line) : "");
    j += fmt::format("{}\n    {{\"path\": {}, \"value\": {}, \"from\": {}}}", i ? "," : "",
                     json_string(o.path), o.value, json_string(where));
  }
  j += sc.overrides.empty() ? "],\n" : "\n  ],\n";
  j += "  \"files\": [";
  for (std::size_t i = 0; i < loaded.model.files.size(); ++i) {
    const auto& f = loaded.model.files[i];
    j += fmt::format("{}\n    {{\"path\": {}, \"sha256\": \"{}\"}}", i ? "," : "",
                     json_string(f.path), f.sha256);
  }
  j += "\n  ],\n  \"outputs\": [";
  for (std::size_t i = 0; i < outputs.size(); ++i) j += (i ? ", " : "") + json_string(outputs[i]);
  j += "],\n  \"command_line\": [";
  for (std::size_t i = 0; i < options.command_line.size(); ++i)
    j += (i ? ", " : "") + json_string(options.command_line[i]);
  j += "]\n}\n";
  return j;
}

}  // namespace stancesim
