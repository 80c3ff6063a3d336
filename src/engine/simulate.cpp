#include "engine/simulate.hpp"

#include <algorithm>
#include <cmath>

namespace stancesim {

namespace {
constexpr double kMergeTolerance = 1e-12;
}

Simulator::Simulator(const CompiledModel& model) : m_(model) {
  const std::size_t na = m_.actors.size();
  current_.resize(na);
  chosen_.resize(na);
  escalation_.assign(na, 0.0);
  sigma_.resize(na);
  sigma_prev_.resize(na);
  track_offset_.resize(na);
  std::size_t max_joint = 1;
  for (std::size_t a = 0; a < na; ++a) {
    const auto& actor = m_.actors[a];
    sigma_[a].assign(static_cast<std::size_t>(actor.n_joint), 0.0);
    sigma_prev_[a].assign(static_cast<std::size_t>(actor.n_joint), 0.0);
    max_joint = std::max(max_joint, static_cast<std::size_t>(actor.n_joint));
    for (const auto& t : actor.tracks) {
      track_offset_[a].push_back(n_to_);
      n_to_ += static_cast<int>(t.options.size());
    }
  }
  levels_.resize(m_.level_slots.size());
  rule_active_.resize(m_.rules.size());
  shock_fired_.resize(m_.shocks.size());
  q_.resize(m_.terms.size() * static_cast<std::size_t>(n_to_));
  z_base_.resize(m_.terms.size());
  eu_.resize(max_joint);
  score_.resize(max_joint);
  support_.reserve(1024);
  support_next_.reserve(1024);
  demands_.reserve(m_.rules.size());
  explain_row_.resize(m_.priorities.size());
}

int Simulator::pinned(int actor, int track, int step) const {
  for (const auto& p : m_.pins)
    if (p.actor == actor && p.track == track && step >= p.from && step <= p.to) return p.option;
  return -1;
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
      out.utility_stride += a.n_joint * static_cast<int>(m_.priorities.size());
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
    for (std::size_t t = 0; t < actor.tracks.size(); ++t)
      levels_[static_cast<std::size_t>(actor.tracks[t].slot)] =
          actor.tracks[t].options[static_cast<std::size_t>(actor.tracks[t].initial)].level;
  }
  std::fill(rule_active_.begin(), rule_active_.end(), 0);
  std::fill(shock_fired_.begin(), shock_fired_.end(), 0);
  escalation_cum_ = 0;
  record_state(0, out);

  for (int step = 1; step <= T; ++step) {
    shocks(rng, step, out);
    demands_.clear();
    rules(rng, step, false, out);
    rules(rng, step, true, out);
    decide(rng, step, explain, out);
    transition(rng, step);
    record_state(step, out);
    std::swap(sigma_prev_, sigma_);
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
      out.events.push_back({step, static_cast<int>(i), false});
      changed = changed || !r.set.empty() || !r.add.empty();
    }
    for (const auto& [v, f] : r.add_each_step) x_(v) += f.eval(x_.data());
    if (r.has_demand) {
      const double s = std::clamp(r.demand.severity.eval(x_.data()), 0.0, r.demand.severity_max);
      demands_.push_back({r.demand.actor, r.demand.track, r.demand.level, r.demand.priority, s});
    }
    if (changed) clamp();  // later rules read the state within its ranges
  }
}

// For every utility term and every option on every track: how far the option moves the term's
// linear argument z over the owner's planning horizon, relative to the base state A x + c.
void Simulator::anticipate() {
  base_.noalias() = m_.A * x_;
  base_ += m_.c;
  const std::size_t nto = static_cast<std::size_t>(n_to_);
  for (std::size_t k = 0; k < m_.terms.size(); ++k) {
    const auto& term = m_.terms[k];
    double z = term.feature.offset;
    for (const auto& [i, w] : term.feature.inputs) z += w * base_(i);
    z_base_[k] = z;
  }
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const auto& track = actor.tracks[t];
      const int in_force = actor.option(current_[a], static_cast<int>(t));
      for (std::size_t o = 0; o < track.options.size(); ++o) {
        const auto& opt = track.options[o];
        const std::size_t col = static_cast<std::size_t>(track_offset_[a][t]) + o;
        for (std::size_t k = 0; k < m_.terms.size(); ++k) {
          const auto& term = m_.terms[k];
          if (!term.moved_by[a]) {
            q_[k * nto + col] = 0;
            continue;
          }
          const double* w = term.dense_weights.data();
          double flow = 0, jump = 0;
          for (const auto& [i, v] : opt.each_step) flow += w[i] * v;
          if (static_cast<int>(o) != in_force)
            for (const auto& [i, v] : opt.on_enter) jump += w[i] * v;
          for (const auto& [i, v] : opt.set) jump += w[i] * (v - base_(i));
          q_[k * nto + col] = flow * m_.actors[static_cast<std::size_t>(term.actor)].horizon + jump;
        }
      }
    }
  }
}

double Simulator::q_joint(std::size_t term, std::size_t actor, int joint) const {
  const auto& a = m_.actors[actor];
  const double* row = &q_[term * static_cast<std::size_t>(n_to_)];
  double q = 0;
  for (std::size_t t = 0; t < a.tracks.size(); ++t)
    q += row[track_offset_[actor][t] + a.option(joint, static_cast<int>(t))];
  return q;
}

void Simulator::decide(const CounterRng& rng, int step, bool explain, RunRecord& out) {
  anticipate();
  const std::size_t np = m_.priorities.size();
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    const int nj = actor.n_joint;
    const std::size_t nt = actor.tracks.size();
    double* ex = explain ? &out.utilities[static_cast<std::size_t>((step - 1) * out.utility_stride +
                                                                   out.utility_offset[a])]
                         : nullptr;
    if (ex) std::fill(ex, ex + static_cast<std::size_t>(nj) * np, 0.0);

    // Terms on the actor's own choice: option values, inertia, demands (audience costs).
    for (int j = 0; j < nj; ++j) {
      const std::size_t row = static_cast<std::size_t>(j) * np;
      double eu = 0;
      for (std::size_t p = 0; p < np; ++p) eu += actor.choice_values[row + p];
      if (ex)
        for (std::size_t p = 0; p < np; ++p) ex[row + p] += actor.choice_values[row + p];
      double rungs = 0;
      for (std::size_t t = 0; t < nt; ++t) {
        const auto& opts = actor.tracks[t].options;
        rungs += std::abs(
            opts[static_cast<std::size_t>(actor.option(j, static_cast<int>(t)))].level -
            opts[static_cast<std::size_t>(actor.option(current_[a], static_cast<int>(t)))].level);
      }
      eu -= actor.kappa * rungs;
      if (ex) ex[row + static_cast<std::size_t>(m_.inertia_priority)] -= actor.kappa * rungs;
      for (const auto& d : demands_) {
        if (d.actor != static_cast<int>(a)) continue;
        const int r = actor.tracks[static_cast<std::size_t>(d.track)]
                          .options[static_cast<std::size_t>(actor.option(j, d.track))]
                          .level;
        const double cost = d.severity * std::max(0, d.level - r) / d.level;
        eu -= cost;
        if (ex) ex[row + static_cast<std::size_t>(d.priority)] -= cost;
      }
      eu_[static_cast<std::size_t>(j)] = eu;
    }

    // Feature terms: expected value over the others' previous mixed strategies.
    for (const int k : actor.terms) {
      const auto& term = m_.terms[static_cast<std::size_t>(k)];
      const std::size_t ks = static_cast<std::size_t>(k);
      const bool linear = term.feature.shape == Shape::linear;
      double mean_other = 0;
      support_.assign(1, {0.0, 1.0});
      for (std::size_t b = 0; b < m_.actors.size(); ++b) {
        if (b == a || !term.moved_by[b]) continue;
        const auto& sig = sigma_prev_[b];
        if (linear) {
          for (int jb = 0; jb < m_.actors[b].n_joint; ++jb)
            if (sig[static_cast<std::size_t>(jb)] > 0)
              mean_other += sig[static_cast<std::size_t>(jb)] * q_joint(ks, b, jb);
          continue;
        }
        support_next_.clear();
        for (int jb = 0; jb < m_.actors[b].n_joint; ++jb) {
          const double pb = sig[static_cast<std::size_t>(jb)];
          if (pb <= 0) continue;
          const double qb = q_joint(ks, b, jb);
          for (const auto& [v, p] : support_) {
            const double value = v + qb;
            auto it = std::find_if(support_next_.begin(), support_next_.end(), [&](const auto& e) {
              return std::abs(e.first - value) <= kMergeTolerance;
            });
            if (it == support_next_.end())
              support_next_.emplace_back(value, p * pb);
            else
              it->second += p * pb;
          }
        }
        std::swap(support_, support_next_);
      }
      for (int j = 0; j < nj; ++j) {
        const double z = z_base_[ks] + q_joint(ks, a, j);
        double value = 0;
        if (linear) {
          value = term.weight * (z + mean_other);
        } else {
          for (const auto& [v, p] : support_) value += p * apply_shape(term.feature.shape, z + v);
          value *= term.weight;
        }
        eu_[static_cast<std::size_t>(j)] += value;
        if (ex)
          ex[static_cast<std::size_t>(j) * np + static_cast<std::size_t>(term.priority)] += value;
      }
    }

    // Logit choice; China's leverage damps escalatory options; pins force a track.
    double log_keep = 0;
    if (actor.escalatory_leverage >= 0) {
      const auto& lev = m_.leverage[static_cast<std::size_t>(actor.escalatory_leverage)];
      const auto& la = m_.actors[static_cast<std::size_t>(lev.actor)];
      const int stance = la.option(current_[static_cast<std::size_t>(lev.actor)], lev.track);
      const double d = std::min(lev.max_damping, lev.damping[static_cast<std::size_t>(stance)] *
                                                     std::max(0.0, x_(lev.variable)));
      log_keep = std::log1p(-d);
    }
    double best = -INFINITY;
    for (int j = 0; j < nj; ++j) {
      const std::size_t js = static_cast<std::size_t>(j);
      bool allowed = true;
      for (std::size_t t = 0; t < nt; ++t) {
        const int pin = pinned(static_cast<int>(a), static_cast<int>(t), step);
        if (pin >= 0 && actor.option(j, static_cast<int>(t)) != pin) allowed = false;
      }
      const int esc = actor.escalatory_leverage >= 0 ? actor.escalatory_count[js] : 0;
      score_[js] = allowed ? actor.lambda * eu_[js] + esc * log_keep : -INFINITY;
      if (ex && actor.lambda > 0)
        ex[js * np + static_cast<std::size_t>(m_.damping_priority)] = esc * log_keep / actor.lambda;
      best = std::max(best, score_[js]);
    }
    auto& sigma = sigma_[a];
    double total = 0;
    for (int j = 0; j < nj; ++j) {
      const std::size_t js = static_cast<std::size_t>(j);
      sigma[js] = std::isinf(score_[js]) ? 0.0 : std::exp(score_[js] - best);
      total += sigma[js];
    }
    for (auto& s : sigma) s /= total;
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
    for (std::size_t t = 0; t < nt; ++t) {
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
  }
}

void Simulator::transition(const CounterRng& rng, int step) {
  x_ = base_;
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    escalation_[a] = 0;
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const auto& track = actor.tracks[t];
      const int o = actor.option(chosen_[a], static_cast<int>(t));
      const auto& opt = track.options[static_cast<std::size_t>(o)];
      for (const auto& [i, v] : opt.each_step) x_(i) += v;
      if (o != actor.option(current_[a], static_cast<int>(t))) {
        for (const auto& [i, v] : opt.on_enter) x_(i) += v;
        escalation_[a] += opt.escalation_weight;
      }
      levels_[static_cast<std::size_t>(track.slot)] = opt.level;
    }
  }
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    for (std::size_t t = 0; t < actor.tracks.size(); ++t)
      for (const auto& [i, v] :
           actor.tracks[t]
               .options[static_cast<std::size_t>(actor.option(chosen_[a], static_cast<int>(t)))]
               .set)
        x_(i) = v;
    current_[a] = chosen_[a];
  }
  for (const int i : m_.noisy)
    x_(i) += m_.noise(i) * rng.normal(m_.noise_streams[static_cast<std::size_t>(i)],
                                      static_cast<std::uint64_t>(step), 0);
  clamp();
}

void Simulator::record_state(int step, RunRecord& out) {
  double* row = &out.state[static_cast<std::size_t>(step * out.n_columns)];
  for (int i = 0; i < m_.n; ++i) *row++ = x_(i);
  for (const auto& metric : m_.metrics) *row++ = metric.eval(x_.data());
  double total = 0;
  for (std::size_t a = 0; a < m_.actors.size(); ++a) total += step > 0 ? escalation_[a] : 0.0;
  escalation_cum_ += total;
  *row++ = total;
  for (std::size_t a = 0; a < m_.actors.size(); ++a) *row++ = step > 0 ? escalation_[a] : 0.0;
  *row++ = escalation_cum_;
  int kahn = 0;
  double* goldstein = row + 1;
  std::fill(goldstein, goldstein + m_.dyad_names.size(), 0.0);
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    const auto& actor = m_.actors[a];
    for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
      const auto& opt =
          actor.tracks[t]
              .options[static_cast<std::size_t>(actor.option(current_[a], static_cast<int>(t)))];
      kahn = std::max(kahn, opt.kahn);
      if (opt.dyad >= 0) goldstein[opt.dyad] += opt.goldstein;
    }
  }
  *row = kahn;
}

}  // namespace stancesim
