// Writing one scenario's result folder: the CSVs and manifest.json go to a temporary sibling
// folder that is renamed into place only when everything is written, so a failed or interrupted
// run never leaves a half-written folder behind.
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "engine/compiled.hpp"
#include "engine/ensemble.hpp"
#include "scenario/scenario.hpp"

namespace stancesim {

struct RunOptions {
  int runs = 0;
  std::uint64_t seed = 1;
  int threads = 1;
  int explain_runs = 0;  // utilities.csv holds runs 0 .. explain_runs-1; 0: no utilities.csv
  std::string out_dir;
  bool force = false;
  std::vector<std::string> command_line;
  std::function<void(int done, int total)> progress;  // on the calling thread
};

struct EnsembleResult {
  std::vector<std::string> metrics;
  std::vector<double> outcomes;  // runs x metrics
  std::uint64_t bytes_written = 0;
};

// Refuses an existing folder unless `force`; call before any work is done.
void check_output_dir(const std::string& dir, bool force);

// Runs the ensemble and writes every file; returns the per-run outcomes.
EnsembleResult run_and_write(const LoadedScenario& loaded, const CompiledModel& model,
                             const RunOptions& options);

// Runs the ensemble without writing (benchmarks, checks); `format` also formats the CSV text.
EnsembleResult run_in_memory(const CompiledModel& model, const EnsembleConfig& config, bool format);

std::string manifest_json(const LoadedScenario& loaded, const CompiledModel& model,
                          const RunOptions& options, const std::vector<std::string>& outputs);

}  // namespace stancesim
