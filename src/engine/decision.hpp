// A week's decisions of the deciding actors (MODEL.md sections 6, 7 and 12.2), in named steps:
//
//   1. forecast        where the world goes over each horizon if nobody acts (F x + G c), and
//                      how far each option, held over the horizon, shifts every variable
//   2. own_costs       values of the act itself: choice terms, inertia, demands (audience costs)
//   3. utility         expected utility of every joint option: own costs plus each feature term's
//                      expectation over the other actors' responses to it
//   4. response        another actor's logit response to one's option: where it is headed,
//                      reweighted through the channels by which the option reaches it (leverage
//                      damping, demands the option would trigger)
//   5. policy          logit over joint options, leverage damping of escalatory options, pins
//
// Reasoning depth (level-k, LIT6), a one-step Stackelberg-style anticipation over the horizon:
//   depth 1  scores its options against the others' mixed strategies of last week;
//   depth 2  against the others heading where they were headed last week, each reweighted by the
//            reaction the option provokes in it (the channels: leverage damping, demands the
//            option would trigger);
//   depth 3  against the others as depth-2 actors this week, reweighted the same way.
// "Where an actor is headed" is its policy without adjustment costs: inertia sets how fast an
// actor moves, not where it is going over the horizon. Forecasts respect every variable's
// bounds. Expectations over the responders are exact where a term is linear in them and no
// bound can bind; otherwise their choices are enumerated, except contributions too small to
// matter (compiled.hpp: kNegligibleUtility), which are taken at their mean.
#pragma once

#include <vector>

#include "engine/compiled.hpp"

namespace stancesim {

// A demand in force this week: its actor pays severity * shortfall(level, r).
struct ActiveDemand {
  int rule, actor, track, level, priority;
  double severity;
};

// What a week's decisions see: the state after shocks and rules, the options in force, last
// week's mixed strategies and the demands in force.
struct DecisionInputs {
  const Eigen::VectorXd& x;
  const std::vector<int>& levels;                       // per slot: level in force
  const std::vector<int>& current;                      // per actor: joint option in force
  const std::vector<std::vector<double>>& sigma_prev;   // per actor: last week's policy
  const std::vector<std::vector<double>>& target_prev;  // per actor: last week's target policy
  const std::vector<ActiveDemand>& demands;
  const std::vector<char>& rule_active;
  int step;
  const std::vector<int>& pins;  // per slot: pinned option this week, or -1
};

// Fearon's audience cost per unit of severity when a demand for `demanded` meets an option of
// level r: the share of the demanded rungs not climbed.
inline double shortfall(int demanded, int r) {
  return static_cast<double>(demanded > r ? demanded - r : 0) / demanded;
}

class Decider {
 public:
  explicit Decider(const CompiledModel& model);

  // Computes every deciding actor's policy for the week at its reasoning depth.
  void decide(const DecisionInputs& in);
  const std::vector<double>& policy(int actor) const;
  // The week's policy without adjustment costs: where the actor is headed.
  const std::vector<double>& target(int actor);
  // Expected utility of each joint option by priority (n_joint x n_priorities), at the actor's
  // depth, with leverage damping as a utility equivalent (log(1 - d) per escalatory track /
  // lambda).
  void explain(int actor, double* out);

 private:
  static constexpr int kMaxDepth = 3;
  // What a responder does, as one anticipator expects it: its joint policy, the marginal
  // probability of each of its track-options, and the mean shift its options add to every
  // variable of the anticipator's forecast. A reweighted policy is kept as the policy it
  // reweights and a weight per response key: joint option j has probability
  // joint[j] * weight[key[j]] (computed only where a term enumerates the responder's options).
  struct View {
    const double* joint = nullptr;
    const double* track = nullptr;
    const double* mean = nullptr;
    const double* weight = nullptr;  // per response key, or null: joint as it is
    const int* key = nullptr;        // per joint option: its response key
  };
  // Per responder of the term being evaluated: its class count and, per class, its enumerated
  // entries (probability then deltas per input) and the mean of the rest per input.
  struct Slot {
    int actor = 0, classes = 1;
    const Channel* channel = nullptr;
    // Per projection (enumerated tracks; all moving tracks for `full`): the distinct shifts of
    // the term's inputs (entry x inputs), their contribution to its argument, and which entry
    // each projected option maps to; then per class the probability of each entry.
    struct Entries {
      int n = 0;
      std::vector<double> delta, z, prob;  // n x inputs; n; classes x n
      std::vector<int> of_projected;
      std::vector<int> of_joint;    // per joint option of the responder: its entry
      std::vector<char> prob_done;  // per class
      bool built = false;
    } entries, full;
    std::vector<double> mean;                // classes x inputs: averaged tracks (all for linear)
    std::vector<double> z;                   // classes: mean contribution to the term's argument
    std::vector<double> range_lo, range_hi;  // inputs: over all its options
    std::vector<double> entry_lo, entry_hi;  // inputs: over its enumerated entries
  };

  void forecast();
  void own_costs();
  const std::vector<double>& utility(int level, int actor);
  void utility_into(int level, int actor, double* eu, double* ex);
  // Computes the term's value per key and returns them; adds them to eu (and ex) unless null.
  const double* add_term(int level, int actor, int term, double* eu, double* ex);
  bool piecewise_linear(const CompiledTerm& term, int actor, const double* mu);
  void build_entries(const CompiledTerm& term, const Projection& proj, Slot& slot,
                     Slot::Entries& e);
  const double* entry_probabilities(Slot& slot, Slot::Entries& e, int cls, const View& v);
  double enumerate(const CompiledTerm& term, const double* base, bool clamp);
  template <class ShapeFn>
  double enumerate_as(const CompiledTerm& term, const double* base, bool clamp, ShapeFn shape);
  View view(int level, int anticipator, int responder, int cls);
  View response(int level, int anticipator, int responder, int cls);
  void class_forecast(const Channel& channel, int cls);
  const std::vector<double>& policy_at(int level, int actor, bool target);
  double damping(const CompiledLeverage& l, int option) const;
  double log_keep(int leverage, int option);
  // Throws RuntimeFailure naming the actor, week, option and the likely cause.
  [[noreturn]] void non_finite(int level, int actor, int joint);
  void track_marginals(int actor, const double* joint, double* track) const;
  // The mean shift of the anticipator's forecast when an actor follows these marginals, and the
  // span of an actor's shifts over all its options. Only the rows of the variables that the terms
  // read (rows_, range_rows_) are computed: no other row is ever read.
  void mean_shift(int anticipator, int actor, const double* track, double* mean) const;
  const double* range(int forecast, int actor, bool high);
  double shift(int forecast, int variable, int track_option) const {
    return P_[static_cast<std::size_t>(forecast)](variable, track_option);
  }

  const CompiledModel& m_;
  const DecisionInputs* in_ = nullptr;
  std::size_t np_ = 0, na_ = 0;
  std::vector<Eigen::VectorXd> mu_;  // per forecast operator: base forecast
  std::vector<Eigen::MatrixXd> P_;   // per forecast operator: variables x track-options shifts
  std::vector<Eigen::MatrixXd> range_lo_, range_hi_;  // per forecast: variables x actors
  std::vector<std::vector<char>> range_done_;
  // The variables that the terms read: per ordered pair (anticipator * na + responder), the
  // inputs of the anticipator's terms the responder can move (rows of its mean shifts); per
  // forecast and responder (f * na + responder), the same over the anticipators with that
  // forecast (rows of its ranges).
  std::vector<std::vector<int>> rows_, range_rows_;
  // Sums over joint options grouped by cell, each taken in the joint options' order in a register:
  // per actor, the joint options of each of its track-options (marginals); per ordered pair with
  // a channel, those of each response key (its mass) and of each key and track-option.
  struct Groups {
    std::vector<int> start, joint;  // cell c holds joint[start[c] .. start[c + 1])
    void sum(const double* x, double* out) const {
      for (std::size_t c = 0; c + 1 < start.size(); ++c) {
        double total = 0;
        for (int k = start[c]; k < start[c + 1]; ++k)
          total += x[joint[static_cast<std::size_t>(k)]];
        out[c] = total;
      }
    }
  };
  std::vector<Groups> marginal_groups_, aggregate_groups_;
  // Per anticipator and rule without a probability metric: the chance the rule fires within the
  // anticipator's horizon (a constant of the model).
  std::vector<std::vector<double>> fire_within_;
  std::vector<double> own_, own_total_;  // track-options x priorities; track-options
  std::vector<double> own_inertia_;      // track-options: the adjustment cost (>= 0)
  std::vector<std::vector<double>> eu_[kMaxDepth], policy_[2][kMaxDepth];
  std::vector<char> eu_done_[kMaxDepth], policy_done_[2][kMaxDepth];
  std::vector<std::vector<double>> policy_track_[kMaxDepth];  // target policies' marginals
  // Per level and ordered pair (anticipator * na + responder), per class: the weight of each
  // response key, the responder's track marginals and its mean shift over the anticipator's
  // forecast.
  std::vector<std::vector<double>> response_weight_[kMaxDepth], response_track_[kMaxDepth],
      response_mean_[kMaxDepth];
  std::vector<std::vector<char>> response_done_[kMaxDepth];
  std::vector<std::vector<View>> response_view_[kMaxDepth];  // per pair, per class: when done
  std::vector<std::vector<double>> aggregate_[kMaxDepth];    // per pair: keys x (options + mass)
  std::vector<char> aggregate_done_[kMaxDepth];
  // Unreweighted views (last week's policy, last week's target, this week's targets), per level:
  // the mean shift over each anticipator's forecast.
  std::vector<std::vector<double>> plain_mean_[kMaxDepth];  // per pair: n
  std::vector<char> plain_mean_done_[kMaxDepth];
  std::vector<std::vector<double>> prev_track_, prev_target_track_;
  std::vector<char> prev_track_done_;          // last week's marginals: computed when a view asks
  std::vector<std::vector<double>> final_;     // per actor: the week's policy
  std::vector<std::vector<double>> log_keep_;  // per leverage and option: log(1 - d) this week
  std::vector<std::vector<char>> log_keep_done_;
  // Scratch for term expectations (term evaluation never recurses).
  std::vector<Slot> slots_;
  std::vector<std::vector<double>> key_values_;  // per term: its value per key
  std::vector<const double*> term_values_;       // utility_into: per term of the actor
  std::vector<const int*> term_of_joint_;        // utility_into: per term, key per joint option
  std::vector<double> base_own_, base_, weights_, z_option_, explain_eu_;
  std::vector<const Slot::Entries*> lists_;  // per responder: its entries for this key
  std::vector<const double*> list_prob_;     // per responder: their probabilities
  std::vector<int> index_;
  std::vector<double> first_;             // enumerate: the first responder's part per entry
  std::vector<const double*> delta_ptr_;  // enumerate: the other responders' deltas
  std::vector<double> z_part_;            // enumerate: the other responders' argument parts
  std::vector<double> prob_part_;         // enumerate: the other responders' probabilities
  std::vector<double> input_weight_, input_lo_, input_hi_;  // enumerate: per input
  std::vector<int> input_var_;                              // add_term: per input, its variable
  std::vector<char> has_channel_;                           // add_term: per responder
  std::vector<const double*> slot_part_;  // add_term: per responder, its z or mean per class
  Eigen::VectorXd xc_;  // a class forecast (the anticipator's options on its rule tracks)
  std::vector<int> levels_c_;
};

}  // namespace stancesim
