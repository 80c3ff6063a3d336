// The model compiled for simulation: indices instead of names, matrices instead of lists, and
// everything about a decision that does not change from step to step (horizon operators,
// projections of joint options, which options can move which utility term, who can respond to
// whom). Built once per scenario from the (overridden) ModelSpec and shared read-only by all runs.
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
  double linear(const double* x) const {
    double z = offset;
    for (const auto& [i, w] : inputs) z += w * x[i];
    return z;
  }
  double eval(const double* x) const { return apply_shape(shape, linear(x)); }
};

struct CompiledOption {
  std::string id;
  int level = 0;
  double escalation_weight = 0;
  double goldstein = 0;
  int kahn = 0;
  int dyad = -1;  // index into CompiledModel::dyad_names
  bool escalatory = false;
  bool event = false;                                    // scores its class every week it is chosen
  Sparse each_step;                                      // constant weekly effects
  std::vector<std::pair<int, Feature>> each_step_state;  // weekly effects sized by the state
  Sparse on_enter, set;
};

struct CompiledTrack {
  std::string id;
  int slot = 0;     // index into the levels array (conditions, pins)
  int initial = 0;  // option index
  int first = 0;    // index of its first option among all track-options of the model
  double kappa = 0, switch_cost = 0;
  std::vector<CompiledOption> options;
};

// A subset of an actor's tracks and the projection of its joint options onto them: joint
// options that agree on those tracks share an index. Decisions compute a quantity once per
// projected option when it depends only on those tracks.
struct Projection {
  std::vector<int> tracks;
  int size = 1;
  std::vector<int> of_joint;        // per joint option: projected index
  std::vector<int> representative;  // per projected index: its first joint option
};

struct CompiledActor {
  std::string id;
  double lambda = 0;
  int horizon = 1, depth = 1;
  int forecast = 0;  // index into CompiledModel::forecasts (the operators of its horizon)
  std::vector<CompiledTrack> tracks;
  int n_joint = 1;
  std::vector<int> joint_options;        // n_joint x n_tracks: option index per track
  std::vector<int> joint_local;          // n_joint x n_tracks: track-option index within the actor
  int n_options = 0;                     // track-options of the actor (all tracks)
  std::vector<std::string> joint_names;  // "silence+neutral+tread_water"
  std::vector<int> terms;                // feature terms of this actor
  std::vector<int> leverages;            // leverages of which it is the target
  std::uint64_t choice_stream = 0;
  int option(int joint, int track) const {
    return joint_options[static_cast<std::size_t>(joint) * tracks.size() +
                         static_cast<std::size_t>(track)];
  }
  int track_option(int joint, int track) const {
    return tracks[static_cast<std::size_t>(track)].first + option(joint, track);
  }
};

// What the decision of actor i needs to know about one utility term: which of each actor's
// tracks can move it over i's horizon.
//
// An option held over the owner's horizon shifts each input v of the term by a delta: its
// constant weekly effects through G, its one-off effects through E when newly entered, effects
// whose size depends on the state (G times their value this week), and `set` assignments
// (the set value minus the base forecast).
//
// Another actor's tracks that move the term are either enumerated (their options' joint
// distribution is summed over exactly) or averaged (taken at their expected effect): a track is
// averaged when the largest error this can cause in the term's value is below
// kNegligibleUtility, which for smooth shapes is second order in its effect.
struct CompiledTerm {
  int actor = 0;  // owner
  int priority = 0;
  double weight = 0;
  Feature feature;
  std::vector<Projection> moving;  // per deciding actor: projection onto its tracks that move it
  std::vector<Projection> enumerated;      // per other actor: its enumerated moving tracks
  std::vector<std::vector<int>> averaged;  // per other actor: its averaged moving tracks
  std::vector<int> responders;             // other actors with moving tracks
  std::vector<int> moving_options;         // track-options of moving tracks (all actors)
  // Owner's joint options grouped by what the term's value depends on: its own moving tracks,
  // and at depth >= 2 the class of each responder's channel. [0] depth 1, [1] depth >= 2.
  Projection own_key[2];
  std::vector<int> key_options[2];  // per key: the owner's track-options on its moving tracks
  std::vector<int> key_classes;     // per key of own_key[1]: the class per responder
};

// The per-week shortfall cost of a demand: severity * max(0, level - r) / level.
struct CompiledDemand {
  int actor = 0, track = 0, level = 1, priority = 0;
  Feature severity;  // linear
  double severity_max = 0;
  int credibility = -1;  // variable weighting the severity when others anticipate it
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
  double escalation_weight = 0;
  std::vector<int> reads_variables, reads_slots;  // what its condition and severity depend on
  std::uint64_t stream = 0;
};

struct CompiledShock {
  std::string id, detail, claims;
  int from = 1, to = 1;
  double probability = 1;
  bool has_when = false, once = false;
  Expr when;
  std::vector<std::pair<int, Feature>> set, add;
  double escalation_weight = 0;
  std::uint64_t stream = 0;
};

struct CompiledPin {
  int actor = 0, track = 0, option = 0, from = 1, to = 1;
};

// One (leverage, target) pair: the leverage actor's option on its track damps the target's
// escalatory options on the targeted tracks by d = min(max_damping, damping[option] * variable).
struct CompiledLeverage {
  int actor = 0, track = 0, variable = 0, target = 0;
  std::vector<double> damping;  // per option of the leverage track
  double max_damping = 0.95;
  std::vector<int> escalatory_count;  // per joint option of the target
};

// How anticipator i's options change responder j's choice: through leverage damping and
// through demands on j that i's options would trigger (a red line i would cross). The channel's
// classes group i's joint options that act alike on j.
struct Channel {
  int anticipator = 0, responder = 0;
  Projection classes;            // of the anticipator's joint options, by what reaches j
  std::vector<int> rule_tracks;  // anticipator's tracks that can trigger the rules
  std::vector<int> leverages;    // CompiledLeverage with actor i and target j
  std::vector<int> rules;        // rules with a demand on j whose condition i's options can change
  // The responder's joint options grouped by what the reweighting depends on (escalatory
  // counts under the leverages, levels on the demanded tracks): key per joint option, and a
  // representative joint option per key.
  std::vector<int> response_key, response_rep;
  bool empty() const { return leverages.empty() && rules.empty(); }
};

// The linear forecast over h weeks with options held: x(t+h) = F x + g + sum of each option's
// projected effects, clamped to the bounds. F = A^h, G = sum_{s<h} A^s, E = A^(h-1). An option
// held over the horizon shifts the forecast by its constant weekly effects through G, its
// one-off effects through E when newly entered, effects sized by the state (G times their value
// this week), and `set` assignments (the set value instead of the base forecast).
struct ForecastOperators {
  int horizon = 1;
  Eigen::MatrixXd F, G, E;
  Eigen::VectorXd g;                           // G c
  Eigen::MatrixXd option_const, option_enter;  // per track-option (columns): G b and E b_enter
  struct StateEffect {
    int track_option, variable;
    Feature value;
  };
  struct SetEffect {
    int track_option, variable;
    double value;
  };
  std::vector<StateEffect> state_effects;
  std::vector<SetEffect> set_effects;
};

// The columns of a run's state row (state.csv after scenario,run,step,date), published by
// compile(): the state variables, the derived metrics, then the measures the simulator adds.
// The simulator writes rows by it; outcomes, formatters and tests read columns by it, never by
// position. Names and meanings: docs/outputs.md.
struct StateLayout {
  std::vector<std::string> names;  // every column, in order
  int n_variables = 0;             // columns [0, n_variables): the state variables
  int metrics = 0, n_metrics = 0;  // the derived metrics
  int escalation = 0;              // escalation_index; escalation + 1 + a: deciding actor a's share
  int escalation_events = 0;       // escalation_index_events
  int escalation_cum = 0;          // escalation_index_cum
  int positions = 0;               // positions_index; positions + 1 + a: deciding actor a's
  int kahn = 0;                    // kahn_max_rung
  int dyads = 0, n_dyads = 0;      // Goldstein scores per dyad

  int size() const { return static_cast<int>(names.size()); }
  int column(const std::string& name) const;  // -1 when unknown
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
  std::vector<CompiledActor> actors;               // deciding actors only
  std::vector<std::pair<int, int>> level_slots;    // (actor, track) per slot
  std::vector<std::pair<int, int>> track_options;  // (actor, track) of every track-option
  std::vector<double> choice_values;               // track-options x priorities
  std::vector<CompiledLeverage> leverage;
  std::vector<Channel> channels;  // per ordered pair (anticipator, responder): index i * na + j
  std::vector<ForecastOperators> forecasts;
  std::vector<std::string> dyad_names;
  int escalation_memory = 8;

  std::vector<CompiledRule> rules;
  std::vector<CompiledShock> shocks;
  std::vector<CompiledPin> pins;

  StateLayout layout;  // the columns of a run's state row
  int n_state_columns() const { return layout.size(); }
  int column(const std::string& name) const { return layout.column(name); }  // -1 when unknown
  const Channel& channel(int anticipator, int responder) const {
    return channels[static_cast<std::size_t>(anticipator) * actors.size() +
                    static_cast<std::size_t>(responder)];
  }
  int n_track_options() const { return static_cast<int>(track_options.size()); }
};

// The utility error below which a responder's contribution to a term is taken at its mean.
inline constexpr double kNegligibleUtility = 0.005;

CompiledModel compile(const ModelSpec& spec, const Scenario& scenario);

}  // namespace stancesim
