// One run of the weekly simulation (MODEL.md sections 6-9). Order within a step:
// shocks -> rules -> reactive actors -> deciding actors (simultaneous, logit against the others'
// previous mixed strategies) -> transition clamp(A x + c + effects + noise) -> metrics.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "engine/compiled.hpp"

namespace stancesim {

struct Event {
  int step = 0;
  int source = 0;  // rule or shock index
  bool shock = false;
};

// Everything a run produces, in flat arrays reused from run to run.
struct RunRecord {
  int steps = 0;
  int n_columns = 0;                // state.csv value columns
  int n_slots = 0;                  // actor tracks
  std::vector<double> state;        // (steps + 1) x n_columns
  std::vector<int> choice;          // steps x n_slots: option index, row t-1 is step t
  std::vector<double> probability;  // steps x n_slots: marginal probability of that option
  std::vector<Event> events;
  bool explained = false;
  std::vector<int> utility_offset;  // per actor: offset of its block within a step
  int utility_stride = 0;           // doubles per step
  std::vector<double> utilities;    // steps x stride: [actor block][joint][priority]

  const double* state_row(int step) const {
    return &state[static_cast<std::size_t>(step * n_columns)];
  }
  int choice_at(int step, int slot) const {
    return choice[static_cast<std::size_t>((step - 1) * n_slots + slot)];
  }
  double probability_at(int step, int slot) const {
    return probability[static_cast<std::size_t>((step - 1) * n_slots + slot)];
  }
};

class Simulator {
 public:
  explicit Simulator(const CompiledModel& model);
  void run(std::uint64_t seed, int run_index, bool explain, RunRecord& out);

 private:
  struct ActiveDemand {
    int actor, track, level, priority;
    double severity;
  };

  void shocks(const CounterRng& rng, int step, RunRecord& out);
  void rules(const CounterRng& rng, int step, bool reactive, RunRecord& out);
  void anticipate();
  void decide(const CounterRng& rng, int step, bool explain, RunRecord& out);
  void transition(const CounterRng& rng, int step);
  void record_state(int step, RunRecord& out);
  void clamp();
  int pinned(int actor, int track, int step) const;
  double q_joint(std::size_t term, std::size_t actor, int joint) const;

  const CompiledModel& m_;
  Eigen::VectorXd x_, base_;
  std::vector<int> current_;        // per actor: joint option in force
  std::vector<int> chosen_;         // per actor: joint option drawn this step
  std::vector<double> escalation_;  // per actor: escalation index of this step
  std::vector<std::vector<double>> sigma_, sigma_prev_;
  std::vector<int> levels_;  // per slot: level in force
  std::vector<char> rule_active_, shock_fired_;
  std::vector<ActiveDemand> demands_;
  std::vector<int> to_offset_;  // per actor: first track-option index; per track too
  std::vector<std::vector<int>> track_offset_;
  int n_to_ = 0;
  std::vector<double> q_;           // terms x track-options: anticipated shift of z
  std::vector<double> z_base_;      // per term: z at the base state
  std::vector<double> eu_, score_;  // per joint option of the deciding actor
  std::vector<std::pair<double, double>> support_, support_next_;
  std::vector<double> explain_row_;
  double escalation_cum_ = 0;
};

}  // namespace stancesim
