// One run of the weekly simulation (MODEL.md sections 6-9 and 12). Order within a step:
// shocks -> rules -> reactive actors -> deciding actors (engine/decision.hpp) -> transition
// clamp(A x + c + effects + noise) -> escalation measures and metrics.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "engine/compiled.hpp"
#include "engine/decision.hpp"

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
  // steps x stride: per actor, per joint option, its utility by priority then its probability.
  std::vector<double> utilities;

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
  void shocks(const CounterRng& rng, int step, RunRecord& out);
  void rules(const CounterRng& rng, int step, bool reactive, RunRecord& out);
  void decide(const CounterRng& rng, int step, bool explain, RunRecord& out);
  void transition(const CounterRng& rng, int step);
  void escalation(int step);
  void record_state(int step, RunRecord& out);
  void clamp();

  const CompiledModel& m_;
  Decider decider_;
  Eigen::VectorXd x_, next_;
  std::vector<int> current_;  // per actor: joint option in force
  std::vector<int> chosen_;   // per actor: joint option drawn this step
  std::vector<std::vector<double>> sigma_prev_, target_prev_;
  std::vector<int> levels_;  // per slot: level in force
  std::vector<int> pins_;    // per slot: pinned option this step, or -1
  std::vector<char> rule_active_, shock_fired_;
  std::vector<ActiveDemand> demands_;
  std::vector<double> explain_;     // one actor's utilities by priority, for the record
  std::vector<int> history_;        // per slot: levels of the last escalation_memory weeks
  std::vector<double> escalation_;  // per actor, this step
  double escalation_events_ = 0;    // rules and shocks with a class, this step
  double escalation_cum_ = 0;
};

}  // namespace stancesim
