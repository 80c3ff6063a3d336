#include "engine/simulate.hpp"

#include <algorithm>
#include <cmath>

namespace stancesim {

Simulator::Simulator(const CompiledModel& model) : m_(model), decider_(model) {
  const std::size_t na = m_.actors.size();
  current_.resize(na);
  chosen_.resize(na);
  escalation_.assign(na, 0.0);
  sigma_prev_.resize(na);
  for (std::size_t a = 0; a < na; ++a)
    sigma_prev_[a].assign(static_cast<std::size_t>(m_.actors[a].n_joint), 0.0);
  target_prev_ = sigma_prev_;
  levels_.resize(m_.level_slots.size());
  pins_.resize(m_.level_slots.size());
  history_.resize(m_.level_slots.size() * static_cast<std::size_t>(m_.escalation_memory));
  rule_active_.resize(m_.rules.size());
  shock_fired_.resize(m_.shocks.size());
  demands_.reserve(m_.rules.size());
}

void Simulator::clamp() {
  x_ = x_.cwiseMax(m_.lo).cwiseMin(m_.hi);
}

void Simulator::run(std::uint64_t seed, int run_index, bool explain, RunRecord& out) {
  const CounterRng rng(seed, static_cast<std::uint64_t>(run_index));
  const int T = m_.steps;
  out.steps = T;
  out.n_columns = m_.n_state_columns();
  out.n_slots = static_cast<int>(m_.level_slots.size());
  out.state.resize(static_cast<std::size_t>((T + 1) * out.n_columns));
  out.choice.resize(static_cast<std::size_t>(T * out.n_slots));
  out.probability.resize(static_cast<std::size_t>(T * out.n_slots));
  out.events.clear();
  out.explained = explain;
  if (explain) {
    out.utility_offset.clear();
    out.utility_stride = 0;
    for (const auto& a : m_.actors) {
      out.utility_offset.push_back(out.utility_stride);
      out.utility_stride += a.n_joint * static_cast<int>(m_.priorities.size() + 1);
    }
    out.utilities.resize(static_cast<std::size_t>(T * out.utility_stride));
  }

  x_ = m_.initial;
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    int joint = 0;
    for (const auto& t : actor.tracks)
      joint = joint * static_cast<int>(t.options.size()) + t.initial;
    current_[a] = joint;
    std::fill(sigma_prev_[a].begin(), sigma_prev_[a].end(), 0.0);
    sigma_prev_[a][static_cast<std::size_t>(joint)] = 1.0;
    target_prev_[a] = sigma_prev_[a];
    for (const auto& t : actor.tracks) {
      const int level = t.options[static_cast<std::size_t>(t.initial)].level;
      levels_[static_cast<std::size_t>(t.slot)] = level;
      std::fill_n(history_.begin() + t.slot * m_.escalation_memory, m_.escalation_memory, level);
    }
  }
  std::fill(rule_active_.begin(), rule_active_.end(), 0);
  std::fill(shock_fired_.begin(), shock_fired_.end(), 0);
  std::fill(escalation_.begin(), escalation_.end(), 0.0);
  escalation_events_ = 0;
  escalation_cum_ = 0;
  record_state(0, out);

  for (int step = 1; step <= T; ++step) {
    escalation_events_ = 0;
    shocks(rng, step, out);
    demands_.clear();
    rules(rng, step, false, out);
    rules(rng, step, true, out);
    decide(rng, step, explain, out);
    transition(rng, step);
    escalation(step);
    record_state(step, out);
  }
}

void Simulator::shocks(const CounterRng& rng, int step, RunRecord& out) {
  for (std::size_t i = 0; i < m_.shocks.size(); ++i) {
    const auto& s = m_.shocks[i];
    if (step < s.from || step > s.to || (s.once && shock_fired_[i])) continue;
    if (s.has_when && !s.when.eval(x_.data(), levels_.data(), step)) continue;
    if (s.probability < 1 &&
        rng.uniform(s.stream, static_cast<std::uint64_t>(step), 0) >= s.probability)
      continue;
    for (const auto& [v, f] : s.set) x_(v) = f.eval(x_.data());
    for (const auto& [v, f] : s.add) x_(v) += f.eval(x_.data());
    shock_fired_[i] = 1;
    escalation_events_ += s.escalation_weight;
    out.events.push_back({step, static_cast<int>(i), true});
  }
  clamp();
}

void Simulator::rules(const CounterRng& rng, int step, bool reactive, RunRecord& out) {
  for (std::size_t i = 0; i < m_.rules.size(); ++i) {
    const auto& r = m_.rules[i];
    if (r.reactive != reactive) continue;
    if (!r.when.eval(x_.data(), levels_.data(), step)) {
      rule_active_[i] = 0;
      continue;
    }
    bool changed = !r.add_each_step.empty();
    if (!rule_active_[i]) {
      double p = r.probability;
      if (r.probability_metric >= 0)
        p = std::clamp(m_.metrics[static_cast<std::size_t>(r.probability_metric)].eval(x_.data()),
                       0.0, 1.0);
      if (p < 1 && rng.uniform(r.stream, static_cast<std::uint64_t>(step), 0) >= p) continue;
      rule_active_[i] = 1;
      for (const auto& [v, f] : r.set) x_(v) = f.eval(x_.data());
      for (const auto& [v, f] : r.add) x_(v) += f.eval(x_.data());
      escalation_events_ += r.escalation_weight;
      out.events.push_back({step, static_cast<int>(i), false});
      changed = changed || !r.set.empty() || !r.add.empty();
    }
    for (const auto& [v, f] : r.add_each_step) x_(v) += f.eval(x_.data());
    if (r.has_demand) {
      const double s = std::clamp(r.demand.severity.linear(x_.data()), 0.0, r.demand.severity_max);
      demands_.push_back({static_cast<int>(i), r.demand.actor, r.demand.track, r.demand.level,
                          r.demand.priority, s});
    }
    if (changed) clamp();  // later rules read the state within its ranges
  }
}

void Simulator::decide(const CounterRng& rng, int step, bool explain, RunRecord& out) {
  std::fill(pins_.begin(), pins_.end(), -1);
  for (const auto& p : m_.pins)
    if (step >= p.from && step <= p.to)
      pins_[static_cast<std::size_t>(m_.actors[static_cast<std::size_t>(p.actor)]
                                         .tracks[static_cast<std::size_t>(p.track)]
                                         .slot)] = p.option;
  const DecisionInputs in{x_,       levels_,      current_, sigma_prev_, target_prev_,
                          demands_, rule_active_, step,     pins_};
  decider_.decide(in);
  const std::size_t np = m_.priorities.size();
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    const std::vector<double>& sigma = decider_.policy(static_cast<int>(a));
    const int nj = actor.n_joint;
    if (explain) {
      double* block = &out.utilities[static_cast<std::size_t>((step - 1) * out.utility_stride +
                                                              out.utility_offset[a])];
      explain_.resize(static_cast<std::size_t>(nj) * np);
      decider_.explain(static_cast<int>(a), explain_.data());
      for (int j = 0; j < nj; ++j) {
        std::copy_n(&explain_[static_cast<std::size_t>(j) * np], np,
                    block + static_cast<std::size_t>(j) * (np + 1));
        block[static_cast<std::size_t>(j) * (np + 1) + np] = sigma[static_cast<std::size_t>(j)];
      }
    }
    const double u = rng.uniform(actor.choice_stream, static_cast<std::uint64_t>(step), 0);
    double cumulative = 0;
    int chosen = -1;
    for (int j = 0; j < nj; ++j) {
      if (sigma[static_cast<std::size_t>(j)] <= 0) continue;
      chosen = j;
      cumulative += sigma[static_cast<std::size_t>(j)];
      if (u < cumulative) break;
    }
    chosen_[a] = chosen;
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const int o = actor.option(chosen, static_cast<int>(t));
      double marginal = 0;
      for (int j = 0; j < nj; ++j)
        if (actor.option(j, static_cast<int>(t)) == o)
          marginal += sigma[static_cast<std::size_t>(j)];
      const std::size_t cell =
          static_cast<std::size_t>((step - 1) * out.n_slots + actor.tracks[t].slot);
      out.choice[cell] = o;
      out.probability[cell] = marginal;
    }
    sigma_prev_[a] = sigma;
  }
  for (std::size_t a = 0; a < m_.actors.size(); ++a)
    target_prev_[a] = decider_.target(static_cast<int>(a));
}

void Simulator::transition(const CounterRng& rng, int step) {
  next_.noalias() = m_.A * x_;
  next_ += m_.c;
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const int o = actor.option(chosen_[a], static_cast<int>(t));
      const auto& opt = actor.tracks[t].options[static_cast<std::size_t>(o)];
      for (const auto& [i, v] : opt.each_step) next_(i) += v;
      for (const auto& [i, f] : opt.each_step_state) next_(i) += f.linear(x_.data());
      if (o != actor.option(current_[a], static_cast<int>(t)))
        for (const auto& [i, v] : opt.on_enter) next_(i) += v;
    }
  }
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    for (std::size_t t = 0; t < actor.tracks.size(); ++t)
      for (const auto& [i, v] :
           actor.tracks[t]
               .options[static_cast<std::size_t>(actor.option(chosen_[a], static_cast<int>(t)))]
               .set)
        next_(i) = v;
  }
  x_.swap(next_);
  for (const int i : m_.noisy)
    x_(i) += m_.noise(i) * rng.normal(m_.noise_streams[static_cast<std::size_t>(i)],
                                      static_cast<std::uint64_t>(step), 0);
  clamp();
}

// A track's move scores its new option's class weight only when it takes the track beyond the
// range of levels it held over the last escalation_memory weeks: flicker inside that range
// changes nothing in the world and scores 0 (MODEL.md 12.5). An event (a test) is an act, not a
// position: it scores every week it is chosen.
void Simulator::escalation(int step) {
  const int w = m_.escalation_memory;
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    escalation_[a] = 0;
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const auto& track = actor.tracks[t];
      const auto& opt =
          track.options[static_cast<std::size_t>(actor.option(chosen_[a], static_cast<int>(t)))];
      int* hist = &history_[static_cast<std::size_t>(track.slot * w)];
      const auto [lo, hi] = std::minmax_element(hist, hist + w);
      if (opt.event || opt.level > *hi || opt.level < *lo) escalation_[a] += opt.escalation_weight;
      hist[(step - 1) % w] = opt.level;
      levels_[static_cast<std::size_t>(track.slot)] = opt.level;
    }
    current_[a] = chosen_[a];
  }
}

void Simulator::record_state(int step, RunRecord& out) {
  const StateLayout& l = m_.layout;
  double* row = &out.state[static_cast<std::size_t>(step * out.n_columns)];
  for (int i = 0; i < l.n_variables; ++i) row[i] = x_(i);
  for (int k = 0; k < l.n_metrics; ++k)
    row[l.metrics + k] = m_.metrics[static_cast<std::size_t>(k)].eval(x_.data());
  const std::size_t na = m_.actors.size();
  double total = escalation_events_;
  for (std::size_t a = 0; a < na; ++a) total += escalation_[a];
  escalation_cum_ += total;
  double* esc = row + l.escalation;
  esc[0] = total;
  for (std::size_t a = 0; a < na; ++a) esc[1 + a] = escalation_[a];
  row[l.escalation_events] = escalation_events_;
  row[l.escalation_cum] = escalation_cum_;
  // Positions: the class weights of the options in force (Rivera et al. score every turn).
  double* pos = row + l.positions;
  double positions = 0;
  int kahn = 0;
  double* goldstein = row + l.dyads;
  std::fill(goldstein, goldstein + l.n_dyads, 0.0);
  for (std::size_t a = 0; a < na; ++a) {
    const auto& actor = m_.actors[a];
    double own = 0;
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const auto& opt =
          actor.tracks[t]
              .options[static_cast<std::size_t>(actor.option(current_[a], static_cast<int>(t)))];
      own += opt.escalation_weight;
      kahn = std::max(kahn, opt.kahn);
      if (opt.dyad >= 0) goldstein[opt.dyad] += opt.goldstein;
    }
    pos[1 + a] = own;
    positions += own;
  }
  pos[0] = positions;
  row[l.kahn] = kahn;
}

}  // namespace stancesim
