// The model compiled for simulation: indices instead of names, matrices instead of lists.
// Built once per scenario from the (overridden) ModelSpec and shared read-only by all runs.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "model/spec.hpp"
#include "scenario/scenario.hpp"

namespace stancesim {

using Sparse = std::vector<std::pair<int, double>>;  // (variable index, value)

inline double apply_shape(Shape s, double z) {
  switch (s) {
    case Shape::linear:
      return z;
    case Shape::logistic:
      return 1.0 / (1.0 + std::exp(-z));
    case Shape::hinge:
      return z > 0 ? z : 0.0;
    case Shape::ramp:
      return z < 0 ? 0.0 : (z > 1 ? 1.0 : z);
    case Shape::step:
      return z >= 0 ? 1.0 : 0.0;
  }
  return z;
}

struct Feature {
  Shape shape = Shape::linear;
  Sparse inputs;
  double offset = 0;
  double eval(const double* x) const {
    double z = offset;
    for (const auto& [i, w] : inputs) z += w * x[i];
    return apply_shape(shape, z);
  }
};

struct CompiledOption {
  std::string id;
  int level = 0;
  double escalation_weight = 0;
  double goldstein = 0;
  int kahn = 0;
  int dyad = -1;  // index into CompiledModel::dyads
  bool escalatory = false;
  Sparse each_step, on_enter, set;  // effects
};

struct CompiledTrack {
  std::string id;
  int slot = 0;     // index into the levels array (conditions, pins)
  int initial = 0;  // option index
  std::vector<CompiledOption> options;
};

struct CompiledTerm {
  int actor = 0;  // owner
  int priority = 0;
  double weight = 0;
  Feature feature;
  std::vector<double> dense_weights;  // feature inputs as a dense vector over variables
  std::vector<bool> moved_by;         // per deciding actor: can its options move this feature?
};

struct CompiledActor {
  std::string id;
  double lambda = 0, kappa = 0, horizon = 1;
  std::vector<CompiledTrack> tracks;
  int n_joint = 1;
  std::vector<int> joint_options;        // n_joint x n_tracks: option index per track
  std::vector<std::string> joint_names;  // "silence+tread_water"
  std::vector<int> terms;                // feature terms of this actor
  std::vector<double> choice_values;     // n_joint x n_priorities (choice terms)
  int escalatory_leverage = -1;          // index into leverage when this actor is a target
  std::vector<int> escalatory_count;     // per joint option
  std::uint64_t choice_stream = 0;
  int option(int joint, int track) const {
    return joint_options[static_cast<std::size_t>(joint) * tracks.size() +
                         static_cast<std::size_t>(track)];
  }
};

struct CompiledDemand {
  int actor = 0, track = 0, level = 1, priority = 0;
  Feature severity;  // linear
  double severity_max = 0;
};

struct CompiledRule {
  std::string id, actor, detail, claims;
  bool reactive = false;
  Expr when;
  double probability = 1;
  int probability_metric = -1;
  std::vector<std::pair<int, Feature>> set, add, add_each_step;
  bool has_demand = false;
  CompiledDemand demand;
  std::uint64_t stream = 0;
};

struct CompiledShock {
  std::string id, detail, claims;
  int from = 1, to = 1;
  double probability = 1;
  bool has_when = false, once = false;
  Expr when;
  std::vector<std::pair<int, Feature>> set, add;
  std::uint64_t stream = 0;
};

struct CompiledPin {
  int actor = 0, track = 0, option = 0, from = 1, to = 1;
};

struct CompiledLeverage {
  int actor = 0, track = 0, variable = 0;
  std::vector<double> damping;  // per option of the track
  double max_damping = 0.95;
};

struct CompiledModel {
  std::string scenario;
  int steps = 0;
  std::vector<std::string> dates;  // per step 0..steps, ISO

  // State.
  std::vector<std::string> var_names;
  int n = 0;
  Eigen::MatrixXd A;
  Eigen::VectorXd c, lo, hi, initial, noise;
  std::vector<int> noisy;  // indices with noise > 0
  std::vector<std::uint64_t> noise_streams;

  std::vector<std::string> metric_names;
  std::vector<Feature> metrics;

  std::vector<std::string> priorities;
  int inertia_priority = 0, damping_priority = 0;
  std::vector<CompiledTerm> terms;
  std::vector<CompiledActor> actors;             // deciding actors only
  std::vector<std::pair<int, int>> level_slots;  // (actor, track) per slot
  std::vector<CompiledLeverage> leverage;
  std::vector<std::string> dyad_names;

  std::vector<CompiledRule> rules;
  std::vector<CompiledShock> shocks;
  std::vector<CompiledPin> pins;

  // Columns of state.csv after the variables: metrics, then these.
  std::vector<std::string> extra_columns;
  int n_state_columns() const {
    return n + static_cast<int>(metrics.size() + extra_columns.size());
  }
};

CompiledModel compile(const ModelSpec& spec, const Scenario& scenario);

}  // namespace stancesim
