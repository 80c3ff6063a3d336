// Writing one scenario's result folder (the run layer's sinks, run/sinks.hpp): the CSVs and
// manifest.json are written into an OutputFolder (output/output_folder.hpp), published only when
// everything is written, so a failed or interrupted run never leaves a half-written folder behind.
// Rows are streamed as runs arrive: memory does not grow with the number of runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/compiled.hpp"
#include "output/manifest.hpp"
#include "output/summary.hpp"
#include "run/checkpoint.hpp"
#include "run/plan.hpp"
#include "scenario/scenario.hpp"

namespace stancesim {

// Which files a run writes besides manifest.json (utilities.csv: --explain).
struct OutputSet {
  bool decisions = true, state = true, events = true, outcomes = true, summary = true;
  bool outcomes_long = false;  // only when named: outcomes.csv again, one number per row
  // "summary,outcomes" or "all" (the five above, not outcomes_long); an unknown name is an
  // InputError that lists the known ones.
  static OutputSet parse(const std::string& list);
  // metrics.csv, the metrics' dictionary, comes with any file of outcome metrics.
  bool metrics() const { return outcomes || outcomes_long || summary; }
};

struct RunOptions {
  RunPlan plan;  // utilities.csv holds runs 0 .. plan.explain_runs-1; 0: no utilities.csv
  OutputSet outputs;
  std::string out_dir;
  bool force = false;
  bool resume = false;  // continue the destination's interrupted run (run/checkpoint.hpp)
  Shard shard;          // --shard K/N: only this share of the runs (a shard folder)
  std::vector<std::string> command_line;
  std::function<void(int done, int total)> progress;  // on the calling thread
};

struct EnsembleResult {
  std::vector<std::string> metrics;
  std::vector<Stats> stats;  // per metric, over runs (run_and_write only)
  std::uint64_t bytes_written = 0;
};

// A shard's (and a run in progress's) outcome metrics, binary (run/sinks.hpp ValuesSink).
inline constexpr const char* kValuesFile = "outcomes.f64";

// Runs the ensemble and writes the folder; returns the outcome statistics (over the runs this
// process simulated, for a shard). Checkpoints as it goes; with options.resume, continues the
// destination's interrupted run; with options.shard, writes a shard folder (no summary.csv;
// outcomes.f64 instead).
EnsembleResult run_and_write(const LoadedScenario& loaded, const CompiledModel& model,
                             const RunOptions& options);

// The manifest.json run_and_write() writes for these options, as known before the first run: its
// "outputs" name the files, whose rows and sha256 run_and_write() adds when they are complete. A
// shard's has the "shard" key (run/checkpoint.hpp) and names the whole work's files, which
// `merge` writes.
Json result_manifest(const LoadedScenario& loaded, const CompiledModel& model,
                     const RunOptions& options);

// Runs the ensemble and its outcome metrics without writing (bench); `format` also formats the
// CSV text and counts its bytes.
EnsembleResult run_in_memory(const CompiledModel& model, const RunPlan& plan, bool format);

}  // namespace stancesim
