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
  for (const auto& a : m_.actors) {
    names_.push_back("switch_share_" + a.id);
    for (const auto& t : a.tracks) names_.push_back("switch_share_" + a.id + "_" + t.id);
  }
  names_.push_back("peak_escalation_index");
  names_.push_back("total_escalation_index");
  names_.push_back("total_positions_index");
  names_.push_back("max_kahn_rung");
}

void Outcomes::compute(const RunRecord& r, double* out) const {
  const double* last = r.state_row(to_);
  const double* before = r.state_row(from_ - 1);
  const StateLayout& layout = m_.layout;
  for (int i = 0; i < layout.n_variables; ++i) *out++ = last[i];
  for (int i = 0; i < layout.n_metrics; ++i) *out++ = last[layout.metrics + i];
  for (int i = 0; i < layout.n_variables; ++i) *out++ = last[i] - before[i];
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
  // Switching: a track changes when its option differs from the week before (step 0: initial).
  for (const auto& a : m_.actors) {
    double* any = out++;
    double* per_track = out;
    out += a.tracks.size();
    *any = 0;
    std::fill(per_track, per_track + a.tracks.size(), 0.0);
    for (int step = from_; step <= to_; ++step) {
      bool changed = false;
      for (std::size_t t = 0; t < a.tracks.size(); ++t) {
        const int slot = a.tracks[t].slot;
        const int before_option = step == 1 ? a.tracks[t].initial : r.choice_at(step - 1, slot);
        if (r.choice_at(step, slot) != before_option) {
          per_track[t] += 1 / steps;
          changed = true;
        }
      }
      if (changed) *any += 1 / steps;
    }
  }
  double peak = 0, max_kahn = 0, positions = 0;
  for (int step = from_; step <= to_; ++step) {
    const double* row = r.state_row(step);
    peak = std::max(peak, row[layout.escalation]);
    max_kahn = std::max(max_kahn, row[layout.kahn]);
    positions += row[layout.positions];
  }
  *out++ = peak;
  *out++ = last[layout.escalation_cum] - before[layout.escalation_cum];
  *out++ = positions;
  *out++ = max_kahn;
}

}  // namespace stancesim
