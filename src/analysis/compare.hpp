// Comparing ensembles: paired differences of per-run outcomes (run i of both scenarios saw the
// same random streams) with Student-t confidence intervals, or independent (Welch) ones.
// Result folders are compared by streaming their outcomes.csv files side by side, twice (means,
// then spreads): memory does not depend on the number of runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stancesim {

// Per-run outcomes of one scenario's ensemble, in memory (validation checks).
struct EnsembleOutcomes {
  std::string scenario;
  std::string source;  // folder or scenario file, for messages
  std::uint64_t seed = 0;
  int runs = 0;
  std::vector<std::string> metrics;
  std::vector<double> values;  // runs x metrics
  double at(int run, std::size_t metric) const {
    return values[static_cast<std::size_t>(run) * metrics.size() + metric];
  }
  int metric_index(const std::string& name) const;
};

struct Difference {
  int n = 0;
  double mean_reference = 0, mean_scenario = 0, difference = 0;
  double ci_low = 0, ci_high = 0, p_value = 1;
};

// Paired: t-interval of the mean of scenario - reference over runs; level e.g. 0.95.
Difference paired_difference(const std::vector<double>& reference,
                             const std::vector<double>& scenario, double level = 0.95);
// Independent samples: Welch's t-interval and test.
Difference welch_difference(const std::vector<double>& reference,
                            const std::vector<double>& scenario, double level = 0.95);

// What identifies a result folder's ensemble (its manifest.json).
struct ResultInfo {
  std::string scenario;
  std::string source;  // the folder, for messages
  std::uint64_t seed = 0;
  int runs = 0;
};

// Throws InputError when the runs cannot be paired (different seeds or run counts).
void check_pairable(const ResultInfo& reference, const ResultInfo& scenario);
void check_pairable(const EnsembleOutcomes& reference, const EnsembleOutcomes& scenario);

// Every scenario against the reference, per metric of the reference.
struct Comparison {
  ResultInfo reference;
  bool paired = true;
  std::vector<std::string> metrics;     // the reference's
  std::vector<double> reference_means;  // per metric
  struct Scenario {
    ResultInfo info;
    std::vector<char> has;                // per reference metric: does the scenario have it?
    std::vector<Difference> differences;  // per reference metric (where it has it)
  };
  std::vector<Scenario> scenarios;
};

// Compares result folders written by `run` or `compare` (manifest.json, outcomes.csv), the first
// being the reference. Malformed files are InputErrors at file:line:col.
Comparison compare_result_folders(const std::vector<std::string>& dirs, bool paired);

// compare.csv:
// reference,scenario,metric,n_pairs,mean_reference,mean_scenario,difference,ci_low,ci_high,p_value
std::string compare_csv(const Comparison& comparison);

// The table printed by `stancesim compare` (and, with no scenarios, by `run`): headline metrics
// with differences and intervals.
std::string compare_table(const Comparison& comparison);

}  // namespace stancesim
