#include "output/outcomes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "output/csv.hpp"

namespace stancesim {

namespace {
std::vector<int> positive_levels(const CompiledTrack& t) {
  std::set<int> levels;
  for (const auto& o : t.options)
    if (o.level >= 1) levels.insert(o.level);
  return {levels.begin(), levels.end()};
}
}  // namespace

void Outcomes::add(MetricInfo info) {
  names_.push_back(info.name);
  info_.push_back(std::move(info));
}

Outcomes::Outcomes(const CompiledModel& model, int from, int to)
    : m_(model), from_(from), to_(to > 0 ? to : model.steps) {
  const std::string window =
      from_ == 1 && to_ == model.steps ? "the run" : fmt::format("steps {}..{}", from_, to_);
  const char* weeks = "share of weeks";
  const char* once = "0 or 1 per run (its mean is a probability)";
  for (const auto& v : m_.var_names)
    add({"final_" + v, "final", "", "", "", -1, v, "the variable's scale",
         v + " at the end of " + window});
  for (const auto& v : m_.metric_names)
    add({"final_" + v, "final", "", "", "", -1, v, "the metric's scale",
         v + " at the end of " + window});
  for (const auto& v : m_.var_names)
    add({"change_" + v, "change", "", "", "", -1, v, "the variable's scale",
         v + " at the end of " + window + " minus its value before"});
  for (const auto& [a, t] : m_.level_slots) {
    const auto& actor = m_.actors[static_cast<std::size_t>(a)];
    const auto& track = actor.tracks[static_cast<std::size_t>(t)];
    const std::string stem = actor.id + "_" + track.id;
    const std::string who = actor.id + "'s " + track.id + " track";
    add({"mean_level_" + stem, "mean_level", actor.id, track.id, "", -1, "", "ladder level",
         "mean level of " + who + " over " + window});
    for (const auto& o : track.options)
      add({"share_" + stem + "_" + o.id, "share", actor.id, track.id, o.id, o.level, "", weeks,
           "share of weeks of " + window + " at " + o.id + " on " + who});
    for (const auto& o : track.options)
      add({"ever_" + stem + "_" + o.id, "ever", actor.id, track.id, o.id, o.level, "", once,
           "1 if " + who + " was at " + o.id + " at least once in " + window});
    levels_ge_.push_back(positive_levels(track));
    for (const int l : levels_ge_.back())
      add({"share_" + stem + "_level_ge_" + std::to_string(l), "share_level_ge", actor.id, track.id,
           "", l, "", weeks,
           fmt::format("share of weeks of {} at level {} or above on {}", window, l, who)});
    for (const int l : levels_ge_.back())
      add({"ever_" + stem + "_level_ge_" + std::to_string(l), "ever_level_ge", actor.id, track.id,
           "", l, "", once,
           fmt::format("1 if {} reached level {} or above at least once in {}", who, l, window)});
  }
  for (const auto& a : m_.actors) {
    add({"switch_share_" + a.id, "switch_share", a.id, "", "", -1, "", weeks,
         "share of weeks of " + window + " in which " + a.id + " changed any track"});
    for (const auto& t : a.tracks)
      add({"switch_share_" + a.id + "_" + t.id, "switch_share", a.id, t.id, "", -1, "", weeks,
           "share of weeks of " + window + " in which " + a.id + "'s " + t.id + " track changed"});
  }
  add({"peak_escalation_index", "peak", "", "", "", -1, "escalation_index", "index points",
       "highest weekly escalation_index in " + window});
  add({"total_escalation_index", "total", "", "", "", -1, "escalation_index", "index points",
       "escalation_index summed over " + window});
  add({"total_positions_index", "total", "", "", "", -1, "positions_index", "index points",
       "positions_index summed over " + window});
  add({"max_kahn_rung", "max", "", "", "", -1, "kahn_max_rung", "Kahn rung",
       "highest rung of Kahn's escalation ladder reached in " + window});
}

std::string metrics_csv(const Outcomes& outcomes) {
  CsvBuffer b;
  b.raw("metric,statistic,actor,track,option,level,of,unit,description\n");
  for (const MetricInfo& m : outcomes.info()) {
    b.field(m.name).comma().field(m.statistic).comma().field(m.actor).comma().field(m.track);
    b.comma().field(m.option).comma();
    if (m.level >= 0) b.integer(m.level);
    b.comma().field(m.of).comma().field(m.unit).comma().field(m.description).newline();
  }
  return std::move(b.str());
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
