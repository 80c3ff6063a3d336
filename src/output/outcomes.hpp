// Per-run outcome metrics: one number per run and metric, the basis of summary.csv and of paired
// comparisons. Names (documented in docs/outputs.md):
//   final_<variable or metric>          value at the horizon (at the window's last step)
//   change_<variable>                   final value minus the value before the window
//   mean_level_<actor>_<track>          mean option level over steps 1..T
//   share_<actor>_<track>_<option>      share of steps with that option
//   ever_<actor>_<track>_<option>       1 if the option was chosen at least once
//   ever_<actor>_<track>_level_ge_<L>   1 if a level >= L was chosen at least once (L >= 1)
//   share_<actor>_<track>_level_ge_<L>  share of steps at level >= L
//   switch_share_<actor>                share of steps in which the actor changed any track
//   switch_share_<actor>_<track>        share of steps in which that track changed
//   peak_escalation_index, total_escalation_index, total_positions_index, max_kahn_rung
#pragma once

#include <string>
#include <vector>

#include "engine/simulate.hpp"

namespace stancesim {

// What a metric is, as metrics.csv and `stancesim list metrics` give it: the structure its name
// spells out, one field per part, so a table of metrics can be filtered without parsing names.
struct MetricInfo {
  std::string name;
  std::string statistic;  // final, change, mean_level, share, ever, share_level_ge, ever_level_ge,
                          // switch_share, peak, total, max
  std::string actor, track, option;  // empty where the metric is not about one
  int level = -1;                    // the option's level, or L of a level_ge metric; -1: none
  std::string of;                    // the state column it reads (final, change, peak, total, max)
  std::string unit;
  std::string description;
};

class Outcomes {
 public:
  // Metrics over steps [from, to] (default: the whole horizon 1..T).
  explicit Outcomes(const CompiledModel& model, int from = 1, int to = 0);
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<MetricInfo>& info() const { return info_; }  // in names() order
  void compute(const RunRecord& record, double* out) const;      // names().size() values

 private:
  const CompiledModel& m_;
  int from_, to_;
  std::vector<std::string> names_;
  std::vector<MetricInfo> info_;
  void add(MetricInfo info);
  std::vector<std::vector<int>>
      levels_ge_;  // per track slot: the levels L >= 1 of its ever/share_ge metrics
};

inline constexpr const char* kMetricsFile = "metrics.csv";
// metrics.csv: metric,statistic,actor,track,option,level,of,unit,description (level empty if none).
std::string metrics_csv(const Outcomes& outcomes);

}  // namespace stancesim
