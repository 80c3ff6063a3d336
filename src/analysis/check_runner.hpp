// Running the ensembles that validation checks need, and the robustness study: the same checks
// under K parameter sets drawn by Latin hypercube sampling.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "model/spec.hpp"
#include "run/plan.hpp"

namespace stancesim {

struct CheckRunConfig {
  PlanRequest request;             // runs, seed and threads for every scenario; steps per check
  std::string model_dir;           // empty: each scenario's default
  std::vector<std::string> views;  // empty: each scenario's own
  std::vector<std::string> sets;   // PATH=VALUE overrides for every scenario, applied last
  // PATH=VALUE for a variant of the model (robustness sets, null models), applied before each
  // scenario's views and overrides.
  std::vector<std::string> model_sets;
  std::function<void()> ensemble_done;  // after each ensemble (progress), calling thread
  // When set, every model and scenario file read is appended (for the manifest).
  std::vector<ReadFile>* files_read = nullptr;
};

// How many ensembles run_for_checks runs for these checks (one per scenario, views and horizon).
std::size_t count_ensembles(const std::vector<Check>& checks);

// One paired ensemble per scenario the checks name; per-run outcomes for every window they use.
WindowedOutcomes run_for_checks(const std::vector<Check>& checks, const CheckRunConfig& config);

// A null model: every deciding actor (or one of them) frozen at its initial options by a switching
// cost no gain can pay, or choosing at random (logit precision 0), built as parameter overrides
// of the model in memory. A check is evidence only if such a wrong model fails it.
struct NullModel {
  std::string name;   // "frozen", "random", "frozen_<actor>", "random_<actor>"
  std::string kind;   // "frozen" or "random"
  std::string actor;  // empty: every deciding actor
  std::vector<std::string> sets;
};
inline constexpr double kFrozenSwitchCost = 1000;
std::vector<NullModel> null_models(const ModelSpec& spec);

// A parameter the robustness study varies, with its range.
struct SampledParameter {
  std::string path;
  double low = 0, high = 0;
};

struct ParameterSet {
  std::vector<std::string> views;
  std::vector<double> values;  // one per SampledParameter
};

// Every utility term weight and every constant demand severity, except those a view sets, over
// their default value +-50% (the analyses document no narrower ranges); the contested weights
// are varied through the analyst views instead.
std::vector<SampledParameter> robustness_parameters(const ModelSpec& spec);

// Every combination of one view per dispute (model/views.toml), in a fixed order.
std::vector<std::vector<std::string>> view_combinations(const ModelSpec& spec);

// K sets: a Latin hypercube over the parameters (each range cut into K strata, one draw per
// stratum, strata shuffled per parameter), crossed with the analyst views in turn.
std::vector<ParameterSet> latin_hypercube(const std::vector<SampledParameter>& parameters, int k,
                                          std::uint64_t seed,
                                          const std::vector<std::vector<std::string>>& view_cycle);

}  // namespace stancesim
