// Comparing ensembles: paired differences of per-run outcomes (run i of both scenarios saw the
// same random streams) with Student-t confidence intervals, or independent (Welch) ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stancesim {

// Per-run outcomes of one scenario's ensemble (outcomes.csv).
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

// Throws InputError when the runs cannot be paired (different seeds or run counts).
void check_pairable(const EnsembleOutcomes& reference, const EnsembleOutcomes& scenario);

// compare.csv:
// reference,scenario,metric,n_pairs,mean_reference,mean_scenario,difference,ci_low,ci_high,p_value
std::string compare_csv(const EnsembleOutcomes& reference,
                        const std::vector<EnsembleOutcomes>& scenarios, bool paired);

// The table printed by `stancesim compare` (and, for one ensemble, by `run`): headline metrics
// with differences and intervals.
std::string compare_table(const EnsembleOutcomes& reference,
                          const std::vector<EnsembleOutcomes>& scenarios, bool paired);

// Reads a result folder written by `stancesim run` or `compare` (outcomes.csv, manifest.json).
EnsembleOutcomes read_results(const std::string& dir);

}  // namespace stancesim
