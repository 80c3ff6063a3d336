#include "output/outcomes.hpp"

#include <algorithm>
#include <set>

namespace stancesim {

namespace {
std::vector<int> positive_levels(const CompiledTrack& t) {
  std::set<int> levels;
  for (const auto& o : t.options)
    if (o.level >= 1) levels.insert(o.level);
  return {levels.begin(), levels.end()};
}
}  // namespace

Outcomes::Outcomes(const CompiledModel& model, int from, int to)
    : m_(model), from_(from), to_(to > 0 ? to : model.steps) {
  for (const auto& v : m_.var_names) names_.push_back("final_" + v);
  for (const auto& v : m_.metric_names) names_.push_back("final_" + v);
  for (const auto& v : m_.var_names) names_.push_back("change_" + v);
  for (const auto& [a, t] : m_.level_slots) {
    const auto& actor = m_.actors[static_cast<std::size_t>(a)];
    const auto& track = actor.tracks[static_cast<std::size_t>(t)];
    const std::string stem = actor.id + "_" + track.id;
    names_.push_back("mean_level_" + stem);
    for (const auto& o : track.options) names_.push_back("share_" + stem + "_" + o.id);
    for (const auto& o : track.options) names_.push_back("ever_" + stem + "_" + o.id);
    levels_ge_.push_back(positive_levels(track));
    for (const int l : levels_ge_.back())
      names_.push_back("share_" + stem + "_level_ge_" + std::to_string(l));
    for (const int l : levels_ge_.back())
      names_.push_back("ever_" + stem + "_level_ge_" + std::to_string(l));
  }
  names_.push_back("peak_escalation_index");
  names_.push_back("total_escalation_index");
  names_.push_back("max_kahn_rung");
}

void Outcomes::compute(const RunRecord& r, double* out) const {
  const double* last = r.state_row(to_);
  const double* before = r.state_row(from_ - 1);
  const int finals = m_.n + static_cast<int>(m_.metrics.size());
  for (int i = 0; i < finals; ++i) *out++ = last[i];
  for (int i = 0; i < m_.n; ++i) *out++ = last[i] - before[i];
  const double steps = to_ - from_ + 1;
  for (std::size_t slot = 0; slot < m_.level_slots.size(); ++slot) {
    const auto& [a, t] = m_.level_slots[slot];
    const auto& track = m_.actors[static_cast<std::size_t>(a)].tracks[static_cast<std::size_t>(t)];
    const std::size_t no = track.options.size();
    double* mean = out++;
    double* share = out;
    double* ever = out + no;
    out += 2 * no;
    const auto& levels = levels_ge_[slot];
    double* share_ge = out;
    double* ever_ge = out + levels.size();
    out += 2 * levels.size();
    *mean = 0;
    std::fill(share, share + 2 * no, 0.0);
    std::fill(share_ge, share_ge + 2 * levels.size(), 0.0);
    for (int step = from_; step <= to_; ++step) {
      const int o = r.choice_at(step, static_cast<int>(slot));
      const int level = track.options[static_cast<std::size_t>(o)].level;
      *mean += level / steps;
      share[o] += 1 / steps;
      ever[o] = 1;
      for (std::size_t l = 0; l < levels.size(); ++l)
        if (level >= levels[l]) {
          share_ge[l] += 1 / steps;
          ever_ge[l] = 1;
        }
    }
  }
  const int esc = m_.n + static_cast<int>(m_.metrics.size());  // escalation_index column
  const int kahn = esc + static_cast<int>(m_.actors.size()) + 2;
  double peak = 0, max_kahn = 0;
  for (int step = from_; step <= to_; ++step) {
    peak = std::max(peak, r.state_row(step)[esc]);
    max_kahn = std::max(max_kahn, r.state_row(step)[kahn]);
  }
  *out++ = peak;
  const int cum = esc + static_cast<int>(m_.actors.size()) + 1;
  *out++ = last[cum] - before[cum];
  *out++ = max_kahn;
}

}  // namespace stancesim
