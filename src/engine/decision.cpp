#include "engine/decision.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/text.hpp"

namespace stancesim {

namespace {
// The shape on the linear piece that holds z (callers make sure one piece holds them all).
double piece(Shape s, double z) {
  switch (s) {
    case Shape::linear:
      return z;
    case Shape::hinge:
      return z < 0 ? 0.0 : z;
    case Shape::ramp:
      return z <= 0 ? 0.0 : (z >= 1 ? 1.0 : z);
    case Shape::step:
      return z < 0 ? 0.0 : 1.0;
    case Shape::logistic:
      return apply_shape(s, z);
  }
  return z;
}

// In place. The largest score is subtracted first, so that large finite scores cannot overflow
// exp. Scores of -inf (options ruled out) get probability 0. False when no probability could be
// computed (every option ruled out, or a score that is not finite).
bool softmax(std::vector<double>& score) {
  double best = -INFINITY;
  for (const double s : score) best = std::max(best, s);
  double total = 0;
  for (auto& s : score) {
    s = std::isinf(s) ? 0.0 : std::exp(s - best);
    total += s;
  }
  if (!(total > 0 && std::isfinite(total))) return false;
  for (auto& s : score) s /= total;
  return true;
}

int n_options(const CompiledActor& a) {
  int n = 0;
  for (const auto& t : a.tracks) n += static_cast<int>(t.options.size());
  return n;
}
}  // namespace

Decider::Decider(const CompiledModel& model)
    : m_(model), np_(model.priorities.size()), na_(model.actors.size()) {
  mu_.resize(m_.forecasts.size());
  for (auto& mu : mu_) mu.resize(m_.n);
  P_.resize(m_.forecasts.size());
  range_lo_.assign(m_.forecasts.size(),
                   Eigen::MatrixXd::Zero(m_.n, static_cast<Eigen::Index>(na_)));
  range_hi_ = range_lo_;
  range_done_.assign(m_.forecasts.size(), std::vector<char>(na_, 0));
  own_.resize(static_cast<std::size_t>(m_.n_track_options()) * np_);
  own_total_.resize(static_cast<std::size_t>(m_.n_track_options()));
  own_inertia_.resize(static_cast<std::size_t>(m_.n_track_options()));
  for (int l = 0; l < kMaxDepth; ++l) {
    eu_[l].resize(na_);
    eu_done_[l].resize(na_);
    policy_track_[l].resize(na_);
    for (int target = 0; target < 2; ++target) {
      policy_[target][l].resize(na_);
      policy_done_[target][l].resize(na_);
    }
    response_weight_[l].resize(na_ * na_);
    response_track_[l].resize(na_ * na_);
    response_mean_[l].resize(na_ * na_);
    response_done_[l].resize(na_ * na_);
    response_view_[l].resize(na_ * na_);
    plain_mean_[l].assign(na_ * na_, std::vector<double>(static_cast<std::size_t>(m_.n)));
    plain_mean_done_[l].resize(na_ * na_);
    aggregate_[l].resize(na_ * na_);
    aggregate_done_[l].resize(na_ * na_);
    for (std::size_t i = 0; i < na_; ++i) {
      const std::size_t nj = static_cast<std::size_t>(m_.actors[i].n_joint);
      eu_[l][i].resize(nj);
      policy_[0][l][i].resize(nj);
      policy_[1][l][i].resize(nj);
      policy_track_[l][i].resize(static_cast<std::size_t>(n_options(m_.actors[i])));
      for (std::size_t j = 0; j < na_; ++j) {
        const Channel& ch = m_.channel(static_cast<int>(i), static_cast<int>(j));
        const std::size_t classes = static_cast<std::size_t>(ch.classes.size);
        response_weight_[l][i * na_ + j].resize(classes * ch.response_rep.size());
        response_track_[l][i * na_ + j].resize(classes *
                                               static_cast<std::size_t>(n_options(m_.actors[j])));
        response_mean_[l][i * na_ + j].resize(classes * static_cast<std::size_t>(m_.n));
        // At least one class: a pair without a channel caches its one view there.
        response_done_[l][i * na_ + j].resize(std::max<std::size_t>(classes, 1));
        response_view_[l][i * na_ + j].resize(std::max<std::size_t>(classes, 1));
      }
    }
  }
  prev_track_.resize(na_);
  prev_track_done_.resize(na_);
  prev_target_track_.resize(na_);
  for (std::size_t i = 0; i < na_; ++i) {
    prev_track_[i].resize(static_cast<std::size_t>(n_options(m_.actors[i])));
    prev_target_track_[i].resize(static_cast<std::size_t>(n_options(m_.actors[i])));
  }
  final_.resize(na_);
  log_keep_.resize(m_.leverage.size());
  log_keep_done_.resize(m_.leverage.size());
  for (std::size_t li = 0; li < m_.leverage.size(); ++li) {
    log_keep_[li].resize(m_.leverage[li].damping.size());
    log_keep_done_[li].resize(m_.leverage[li].damping.size());
  }
  xc_.resize(m_.n);
  rows_.resize(na_ * na_);
  range_rows_.resize(m_.forecasts.size() * na_);
  for (const auto& t : m_.terms) {
    const std::size_t owner = static_cast<std::size_t>(t.actor);
    const std::size_t f = static_cast<std::size_t>(m_.actors[owner].forecast);
    for (const int r : t.responders)
      for (const auto& input : t.feature.inputs) {
        rows_[owner * na_ + static_cast<std::size_t>(r)].push_back(input.first);
        range_rows_[f * na_ + static_cast<std::size_t>(r)].push_back(input.first);
      }
  }
  for (auto* all : {&rows_, &range_rows_})
    for (auto& rows : *all) {
      std::sort(rows.begin(), rows.end());
      rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    }
  // The cells of a joint option: its track-options (per track, its local index), then for a
  // channel's aggregate its key's mass and its track-options within the key's row.
  auto group = [](std::size_t cells, int n_joint, const auto& cells_of) {
    Groups g;
    std::vector<std::vector<int>> members(cells);
    for (int j = 0; j < n_joint; ++j)
      for (const std::size_t c : cells_of(j)) members[c].push_back(j);
    g.start.push_back(0);
    for (const auto& m : members) {
      g.joint.insert(g.joint.end(), m.begin(), m.end());
      g.start.push_back(static_cast<int>(g.joint.size()));
    }
    return g;
  };
  marginal_groups_.resize(na_);
  aggregate_groups_.resize(na_ * na_);
  for (std::size_t b = 0; b < na_; ++b) {
    const CompiledActor& actor = m_.actors[b];
    const std::size_t nt = actor.tracks.size();
    const std::size_t nopt = static_cast<std::size_t>(actor.n_options);
    marginal_groups_[b] = group(nopt, actor.n_joint, [&](int j) {
      std::vector<std::size_t> cells;
      for (std::size_t t = 0; t < nt; ++t)
        cells.push_back(
            static_cast<std::size_t>(actor.joint_local[static_cast<std::size_t>(j) * nt + t]));
      return cells;
    });
    for (std::size_t a = 0; a < na_; ++a) {
      const Channel& ch = m_.channel(static_cast<int>(a), static_cast<int>(b));
      if (ch.empty()) continue;
      aggregate_groups_[a * na_ + b] =
          group(ch.response_rep.size() * (nopt + 1), actor.n_joint, [&](int j) {
            const std::size_t row =
                static_cast<std::size_t>(ch.response_key[static_cast<std::size_t>(j)]) * (nopt + 1);
            std::vector<std::size_t> cells{row + nopt};
            for (std::size_t t = 0; t < nt; ++t)
              cells.push_back(row + static_cast<std::size_t>(
                                        actor.joint_local[static_cast<std::size_t>(j) * nt + t]));
            return cells;
          });
    }
  }
  fire_within_.resize(na_);
  for (std::size_t a = 0; a < na_; ++a) {
    fire_within_[a].resize(m_.rules.size());
    for (std::size_t r = 0; r < m_.rules.size(); ++r)
      fire_within_[a][r] = 1 - std::pow(1 - m_.rules[r].probability, m_.actors[a].horizon);
  }
  // Term scratch, sized for the largest term.
  std::size_t max_inputs = 1, max_resp = 1;
  for (const auto& t : m_.terms) {
    max_inputs = std::max(max_inputs, t.feature.inputs.size());
    max_resp = std::max(max_resp, t.responders.size());
  }
  slots_.resize(max_resp);
  key_values_.resize(m_.terms.size());
  for (std::size_t k = 0; k < m_.terms.size(); ++k)
    key_values_[k].resize(static_cast<std::size_t>(
        std::max(m_.terms[k].own_key[0].size, m_.terms[k].own_key[1].size)));
  std::size_t max_terms = 1;
  for (const auto& actor : m_.actors) max_terms = std::max(max_terms, actor.terms.size());
  term_values_.resize(max_terms);
  term_of_joint_.resize(max_terms);
  base_own_.resize(max_inputs);
  base_.resize(max_inputs);
  lists_.resize(max_resp);
  delta_ptr_.resize(max_resp);
  z_part_.resize(max_resp);
  prob_part_.resize(max_resp);
  input_weight_.resize(max_inputs);
  input_lo_.resize(max_inputs);
  input_hi_.resize(max_inputs);
  input_var_.resize(max_inputs);
  has_channel_.resize(max_resp);
  slot_part_.resize(max_resp);
  list_prob_.resize(max_resp);
  index_.resize(max_resp);
  z_option_.resize(static_cast<std::size_t>(m_.n_track_options()));
}

const std::vector<double>& Decider::policy(int actor) const {
  return final_[static_cast<std::size_t>(actor)];
}

const std::vector<double>& Decider::target(int actor) {
  return policy_at(m_.actors[static_cast<std::size_t>(actor)].depth, actor, true);
}

void Decider::decide(const DecisionInputs& in) {
  in_ = &in;
  // Last week's target policies are usually the ones computed here last week, whose marginals
  // are still at hand: the same function of the same numbers, so they are reused.
  for (std::size_t a = 0; a < na_; ++a) {
    const std::size_t l = static_cast<std::size_t>(m_.actors[a].depth - 1);
    const std::vector<double>& last = policy_[1][l][a];
    if (policy_done_[1][l][a] && in.target_prev[a] == last)
      prev_target_track_[a] = policy_track_[l][a];
    else
      track_marginals(static_cast<int>(a), in.target_prev[a].data(), prev_target_track_[a].data());
  }
  for (int l = 0; l < kMaxDepth; ++l) {
    std::fill(eu_done_[l].begin(), eu_done_[l].end(), 0);
    for (auto& done : policy_done_) std::fill(done[l].begin(), done[l].end(), 0);
    for (auto& done : response_done_[l]) std::fill(done.begin(), done.end(), 0);
    std::fill(aggregate_done_[l].begin(), aggregate_done_[l].end(), 0);
    std::fill(plain_mean_done_[l].begin(), plain_mean_done_[l].end(), 0);
  }
  for (auto& done : range_done_) std::fill(done.begin(), done.end(), 0);
  for (auto& done : log_keep_done_) std::fill(done.begin(), done.end(), 0);
  std::fill(prev_track_done_.begin(), prev_track_done_.end(), 0);
  forecast();
  own_costs();
  for (std::size_t a = 0; a < na_; ++a)
    final_[a] = policy_at(m_.actors[a].depth, static_cast<int>(a), false);
}

// Each track-option's marginal: from 0, its joint options' probabilities in their order.
void Decider::track_marginals(int actor, const double* joint, double* track) const {
  marginal_groups_[static_cast<std::size_t>(actor)].sum(joint, track);
}

// Step 1: the base forecast of each horizon, x(t+h) = F x + G c with no option's effects, and how
// far each option held over the horizon shifts every variable (P: variables x track-options).
void Decider::forecast() {
  const double* x = in_->x.data();
  for (std::size_t f = 0; f < m_.forecasts.size(); ++f) {
    const ForecastOperators& op = m_.forecasts[f];
    mu_[f].noalias() = op.F * in_->x + op.g;
    Eigen::MatrixXd& P = P_[f];
    P = op.option_const;
    for (std::size_t a = 0; a < na_; ++a) {
      const CompiledActor& actor = m_.actors[a];
      for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
        const CompiledTrack& track = actor.tracks[t];
        const int cur = actor.option(in_->current[a], static_cast<int>(t));
        for (std::size_t o = 0; o < track.options.size(); ++o)
          if (static_cast<int>(o) != cur && !track.options[o].on_enter.empty())
            P.col(track.first + static_cast<Eigen::Index>(o)) +=
                op.option_enter.col(track.first + static_cast<Eigen::Index>(o));
      }
    }
    for (const auto& e : op.state_effects)
      P.col(e.track_option) += op.G.col(e.variable) * e.value.linear(x);
    for (const auto& e : op.set_effects)
      P(e.variable, e.track_option) = e.value - mu_[f](e.variable);
  }
}

// Step 2: what the act itself is worth, per track-option and priority: choice terms, inertia
// (switch cost plus kappa per squared rung changed) and the demands in force (audience costs).
void Decider::own_costs() {
  std::copy(m_.choice_values.begin(), m_.choice_values.end(), own_.begin());
  const std::size_t inertia = static_cast<std::size_t>(m_.inertia_priority);
  for (int to = 0; to < m_.n_track_options(); ++to) {
    const auto& [a, t] = m_.track_options[static_cast<std::size_t>(to)];
    const CompiledActor& actor = m_.actors[static_cast<std::size_t>(a)];
    const CompiledTrack& track = actor.tracks[static_cast<std::size_t>(t)];
    const int o = to - track.first;
    const int cur = actor.option(in_->current[static_cast<std::size_t>(a)], t);
    double* row = &own_[static_cast<std::size_t>(to) * np_];
    own_inertia_[static_cast<std::size_t>(to)] = 0;
    if (o != cur) {
      const double rungs = track.options[static_cast<std::size_t>(o)].level -
                           track.options[static_cast<std::size_t>(cur)].level;
      own_inertia_[static_cast<std::size_t>(to)] = track.switch_cost + track.kappa * rungs * rungs;
      row[inertia] -= own_inertia_[static_cast<std::size_t>(to)];
    }
    for (const auto& d : in_->demands)
      if (d.actor == a && d.track == t)
        row[static_cast<std::size_t>(d.priority)] -=
            d.severity * shortfall(d.level, track.options[static_cast<std::size_t>(o)].level);
    double total = 0;
    for (std::size_t p = 0; p < np_; ++p) total += row[p];
    own_total_[static_cast<std::size_t>(to)] = total;
  }
}

const std::vector<double>& Decider::utility(int level, int actor) {
  const std::size_t l = static_cast<std::size_t>(level - 1), a = static_cast<std::size_t>(actor);
  if (!eu_done_[l][a]) {
    utility_into(level, actor, eu_[l][a].data(), nullptr);
    eu_done_[l][a] = 1;
  }
  return eu_[l][a];
}

// Step 3: expected utility of every joint option at a reasoning level.
void Decider::utility_into(int level, int actor, double* eu, double* ex) {
  // The responders' policies one level down first: term evaluation below then never recurses
  // (it shares scratch buffers).
  if (level >= 3)
    for (std::size_t j = 0; j < na_; ++j)
      if (static_cast<int>(j) != actor) policy_at(level - 1, static_cast<int>(j), true);
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(actor)];
  const std::size_t nt = a.tracks.size();
  for (int j = 0; j < a.n_joint; ++j) {
    double total = 0;
    for (std::size_t t = 0; t < nt; ++t)
      total += own_total_[static_cast<std::size_t>(a.track_option(j, static_cast<int>(t)))];
    eu[j] = total;
    if (!ex) continue;
    double* row = ex + static_cast<std::size_t>(j) * np_;
    std::fill(row, row + np_, 0.0);
    for (std::size_t t = 0; t < nt; ++t) {
      const double* own =
          &own_[static_cast<std::size_t>(a.track_option(j, static_cast<int>(t))) * np_];
      for (std::size_t p = 0; p < np_; ++p) row[p] += own[p];
    }
  }
  if (ex) {
    for (const int k : a.terms) add_term(level, actor, k, eu, ex);
    return;
  }
  // Each term's value per key first, then every joint option's sum in one pass: the terms are
  // added in the same order, the running sum staying in a register.
  const std::size_t nk = a.terms.size();
  for (std::size_t i = 0; i < nk; ++i) {
    term_values_[i] = add_term(level, actor, a.terms[i], nullptr, nullptr);
    const CompiledTerm& term = m_.terms[static_cast<std::size_t>(a.terms[i])];
    term_of_joint_[i] = term.own_key[level >= 2 ? 1 : 0].of_joint.data();
  }
  const double* const* values = term_values_.data();
  const int* const* of_joint = term_of_joint_.data();
  for (int j = 0; j < a.n_joint; ++j) {
    double u = eu[j];
    for (std::size_t i = 0; i < nk; ++i) u += values[i][of_joint[i][j]];
    eu[j] = u;
  }
}

// A feature term's contribution: its value depends on the owner's option only through its own
// moving tracks and the class each responder's channel puts the option in, so it is computed
// once per such key and then spread over the joint options. First each responder's part per
// class (means, enumerated entries), then the keys.
const double* Decider::add_term(int level, int actor, int k, double* eu, double* ex) {
  const CompiledTerm& term = m_.terms[static_cast<std::size_t>(k)];
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(actor)];
  const int f = a.forecast;
  const int variant = level >= 2 ? 1 : 0;
  const Projection& key = term.own_key[variant];
  const auto& inputs = term.feature.inputs;
  const std::size_t ni = inputs.size();
  const double* mu = mu_[static_cast<std::size_t>(f)].data();
  const bool linear = term.feature.shape == Shape::linear;
  const std::size_t nr = term.responders.size();

  // Each responder's span over all its options first: it decides which way the expectation is
  // taken below, and each way needs only part of the responders' per-class data.
  for (std::size_t r = 0; r < nr; ++r) {
    Slot& slot = slots_[r];
    slot.actor = term.responders[r];
    const Channel& ch = m_.channel(actor, slot.actor);
    slot.channel = level >= 2 && !ch.empty() ? &ch : nullptr;
    slot.classes = slot.channel ? ch.classes.size : 1;
    slot.entries.built = false;
    slot.full.built = false;
    slot.range_lo.resize(ni);
    slot.range_hi.resize(ni);
    const double* lo = range(f, slot.actor, false);
    const double* hi = range(f, slot.actor, true);
    for (std::size_t i = 0; i < ni; ++i) {
      slot.range_lo[i] = lo[inputs[i].first];
      slot.range_hi[i] = hi[inputs[i].first];
    }
  }
  const bool closed_form = piecewise_linear(term, actor, mu);
  // A linear term that a bound may bind is enumerated from the views themselves, key by key.
  if (closed_form || !linear)
    for (std::size_t r = 0; r < nr; ++r) {
      Slot& slot = slots_[r];
      const std::size_t classes = static_cast<std::size_t>(slot.classes);
      if (closed_form) {
        // Each class's contribution to the argument, at the responder's mean shifts.
        slot.z.resize(classes);
        for (int c = 0; c < slot.classes; ++c) {
          const View v = view(level, actor, slot.actor, c);
          double z = 0;
          for (std::size_t i = 0; i < ni; ++i) z += inputs[i].second * v.mean[inputs[i].first];
          slot.z[static_cast<std::size_t>(c)] = z;
        }
        continue;
      }
      // The enumerated tracks' part is summed over exactly; the mean keeps the rest.
      const Projection& proj = term.enumerated[static_cast<std::size_t>(slot.actor)];
      build_entries(term, proj, slot, slot.entries);
      slot.mean.resize(classes * ni);
      for (int c = 0; c < slot.classes; ++c) {
        const View v = view(level, actor, slot.actor, c);
        double* mean = &slot.mean[static_cast<std::size_t>(c) * ni];
        for (std::size_t i = 0; i < ni; ++i) mean[i] = v.mean[inputs[i].first];
        const double* prob = entry_probabilities(slot, slot.entries, c, v);
        for (int q = 0; q < slot.entries.n; ++q)
          for (std::size_t i = 0; i < ni; ++i)
            mean[i] -= prob[q] * slot.entries.delta[static_cast<std::size_t>(q) * ni + i];
      }
      // The span of the enumerated entries per input (the same for every key below).
      slot.entry_lo.assign(ni, INFINITY);
      slot.entry_hi.assign(ni, -INFINITY);
      for (int q = 0; q < slot.entries.n; ++q)
        for (std::size_t i = 0; i < ni; ++i) {
          const double d = slot.entries.delta[static_cast<std::size_t>(q) * ni + i];
          slot.entry_lo[i] = std::min(slot.entry_lo[i], d);
          slot.entry_hi[i] = std::max(slot.entry_hi[i], d);
        }
    }

  const std::size_t n_own = term.moving[static_cast<std::size_t>(actor)].tracks.size();
  const int* own_options = term.key_options[variant].data();
  const int* key_classes = term.key_classes.data();
  // Per responder: whether its class varies with the key (it has a channel).
  for (std::size_t r = 0; r < nr; ++r) has_channel_[r] = slots_[r].channel != nullptr;
  const char* has_channel = has_channel_.data();
  auto class_of = [&](int q, std::size_t r) {
    return has_channel[r] ? key_classes[static_cast<std::size_t>(q) * nr + r] : 0;
  };
  // The term's inputs and this forecast's shifts as plain arrays: the loops below write only to
  // scratch, so nothing they read has to be loaded again.
  int* var = input_var_.data();
  for (std::size_t i = 0; i < ni; ++i) var[i] = inputs[i].first;
  const double* P = P_[static_cast<std::size_t>(f)].data();
  const std::size_t n = static_cast<std::size_t>(m_.n);
  double* values = key_values_[static_cast<std::size_t>(k)].data();
  if (closed_form) {
    // No input can reach a bound and the argument stays on one linear piece of the shape: the
    // value is the forecast's plus each option's and each responder class's contribution.
    double z0 = term.feature.offset;
    for (std::size_t i = 0; i < ni; ++i) z0 += inputs[i].second * mu[inputs[i].first];
    for (const int t : term.moving[static_cast<std::size_t>(actor)].tracks) {
      const CompiledTrack& track = a.tracks[static_cast<std::size_t>(t)];
      for (std::size_t o = 0; o < track.options.size(); ++o) {
        const int to = track.first + static_cast<int>(o);
        double z = 0;
        for (std::size_t i = 0; i < ni; ++i) z += inputs[i].second * shift(f, inputs[i].first, to);
        z_option_[static_cast<std::size_t>(to)] = z;
      }
    }
    for (std::size_t r = 0; r < nr; ++r) slot_part_[r] = slots_[r].z.data();
    const double* const* slot_z = slot_part_.data();
    const double* z_option = z_option_.data();
    for (int q = 0; q < key.size; ++q) {
      double z = z0;
      for (std::size_t t = 0; t < n_own; ++t)
        z += z_option[own_options[static_cast<std::size_t>(q) * n_own + t]];
      for (std::size_t r = 0; r < nr; ++r) z += slot_z[r][class_of(q, r)];
      values[q] = term.weight * piece(term.feature.shape, z);
    }
  } else {
    for (std::size_t r = 0; r < nr; ++r) slot_part_[r] = slots_[r].mean.data();
    const double* const* slot_mean = slot_part_.data();
    double* base_own = base_own_.data();
    double* base = base_.data();
    for (int q = 0; q < key.size; ++q) {
      const int* own = &own_options[static_cast<std::size_t>(q) * n_own];
      for (std::size_t i = 0; i < ni; ++i) {
        double x = mu[var[i]];
        for (std::size_t t = 0; t < n_own; ++t)
          x += P[static_cast<std::size_t>(own[t]) * n + static_cast<std::size_t>(var[i])];
        base_own[i] = x;
      }
      double value;
      if (linear) {
        // A bound may bind: enumerate the responders' moving tracks exactly.
        for (std::size_t r = 0; r < nr; ++r) {
          Slot& slot = slots_[r];
          const int cls = class_of(q, r);
          const Projection& proj = term.moving[static_cast<std::size_t>(slot.actor)];
          build_entries(term, proj, slot, slot.full);
          lists_[r] = &slot.full;
          list_prob_[r] =
              entry_probabilities(slot, slot.full, cls, view(level, actor, slot.actor, cls));
        }
        value = enumerate(term, base_own, true);
      } else {
        std::copy_n(base_own, ni, base);
        for (std::size_t r = 0; r < nr; ++r) {
          Slot& slot = slots_[r];
          const std::size_t cls = static_cast<std::size_t>(class_of(q, r));
          const double* mean = slot_mean[r] + cls * ni;
          for (std::size_t i = 0; i < ni; ++i) base[i] += mean[i];
          lists_[r] = &slot.entries;
          list_prob_[r] = &slot.entries.prob[cls * static_cast<std::size_t>(slot.entries.n)];
        }
        bool clamp = false;
        for (std::size_t i = 0; i < ni && !clamp; ++i) {
          double lo = base[i], hi = base[i];
          for (std::size_t r = 0; r < nr; ++r) {
            lo += slots_[r].entry_lo[i];
            hi += slots_[r].entry_hi[i];
          }
          clamp = lo < m_.lo(var[i]) || hi > m_.hi(var[i]);
        }
        value = enumerate(term, base, clamp);
      }
      values[q] = term.weight * value;
    }
  }
  if (!eu) return values;
  const int* of_joint = key.of_joint.data();
  for (int j = 0; j < a.n_joint; ++j) eu[j] += values[of_joint[j]];
  if (ex) {
    const std::size_t priority = static_cast<std::size_t>(term.priority);
    for (int j = 0; j < a.n_joint; ++j)
      ex[static_cast<std::size_t>(j) * np_ + priority] += values[of_joint[j]];
  }
  return values;
}

// Is the term's expectation exact in closed form for every key? Yes when no combination of the
// owner's options and the responders' choices can push an input past its bounds, and the
// argument z stays on one linear piece of the shape (always, for a linear shape).
bool Decider::piecewise_linear(const CompiledTerm& term, int actor, const double* mu) {
  const auto& inputs = term.feature.inputs;
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(actor)];
  const double* P = P_[static_cast<std::size_t>(a.forecast)].data();
  const std::size_t n = static_cast<std::size_t>(m_.n);
  double z_lo = term.feature.offset, z_hi = z_lo;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const int v = inputs[i].first;
    double lo = mu[v], hi = lo;
    for (const int t : term.moving[static_cast<std::size_t>(actor)].tracks) {
      const CompiledTrack& track = a.tracks[static_cast<std::size_t>(t)];
      const double* col =
          P + static_cast<std::size_t>(track.first) * n + static_cast<std::size_t>(v);
      double tlo = INFINITY, thi = -INFINITY;
      for (std::size_t o = 0; o < track.options.size(); ++o) {
        const double x = col[o * n];
        tlo = std::min(tlo, x);
        thi = std::max(thi, x);
      }
      lo += tlo;
      hi += thi;
    }
    for (std::size_t r = 0; r < term.responders.size(); ++r) {
      lo += slots_[r].range_lo[i];
      hi += slots_[r].range_hi[i];
    }
    if (lo < m_.lo(v) || hi > m_.hi(v)) return false;
    const double w = inputs[i].second;
    z_lo += w * (w > 0 ? lo : hi);
    z_hi += w * (w > 0 ? hi : lo);
  }
  switch (term.feature.shape) {
    case Shape::linear:
      return true;
    case Shape::logistic:
      return z_lo == z_hi;
    case Shape::hinge:
    case Shape::step:
      return z_hi < 0 || z_lo >= 0;
    case Shape::ramp:
      return z_hi <= 0 || z_lo >= 1 || (z_lo >= 0 && z_hi <= 1);
  }
  return false;
}

// The lowest (or highest) shift an actor's options can add to each variable of a forecast, over
// all its options (a policy gives every option it does not rule out positive probability).
const double* Decider::range(int forecast, int actor, bool high) {
  const std::size_t f = static_cast<std::size_t>(forecast);
  const auto ai = static_cast<Eigen::Index>(actor);
  double* lo = range_lo_[f].col(ai).data();
  double* hi = range_hi_[f].col(ai).data();
  if (!range_done_[f][static_cast<std::size_t>(actor)]) {
    // Per row, the sum over the tracks (from 0, in track order) of the lowest and highest shift
    // among the track's options.
    const CompiledActor& b = m_.actors[static_cast<std::size_t>(actor)];
    const Eigen::MatrixXd& P = P_[f];
    for (const int v : range_rows_[f * na_ + static_cast<std::size_t>(actor)]) {
      double sum_lo = 0, sum_hi = 0;
      for (const auto& track : b.tracks) {
        double tlo = P(v, track.first), thi = tlo;
        for (int o = 1; o < static_cast<int>(track.options.size()); ++o) {
          const double x = P(v, track.first + o);
          tlo = std::min(tlo, x);
          thi = std::max(thi, x);
        }
        sum_lo += tlo;
        sum_hi += thi;
      }
      lo[v] = sum_lo;
      hi[v] = sum_hi;
    }
    range_done_[f][static_cast<std::size_t>(actor)] = 1;
  }
  return high ? hi : lo;
}

// Row by row as the matrix-vector product computes it: from 0, the actor's options in order.
void Decider::mean_shift(int anticipator, int actor, const double* track, double* mean) const {
  const CompiledActor& b = m_.actors[static_cast<std::size_t>(actor)];
  const std::size_t f =
      static_cast<std::size_t>(m_.actors[static_cast<std::size_t>(anticipator)].forecast);
  const std::size_t n = static_cast<std::size_t>(m_.n);
  const double* cols = P_[f].data() + static_cast<std::size_t>(b.tracks.front().first) * n;
  const std::size_t nopt = static_cast<std::size_t>(b.n_options);
  for (const int v :
       rows_[static_cast<std::size_t>(anticipator) * na_ + static_cast<std::size_t>(actor)]) {
    const double* row = cols + v;
    double sum = 0;
    for (std::size_t o = 0; o < nopt; ++o) sum += row[o * n] * track[o];
    mean[v] = sum;
  }
}

// A responder's distinct shifts of the term's inputs over a projection of its options (options
// with the same shifts share an entry); built once per term evaluation.
void Decider::build_entries(const CompiledTerm& term, const Projection& proj, Slot& slot,
                            Slot::Entries& e) {
  if (e.built) return;
  const auto& inputs = term.feature.inputs;
  const std::size_t ni = inputs.size();
  const CompiledActor& b = m_.actors[static_cast<std::size_t>(slot.actor)];
  const int f = m_.actors[static_cast<std::size_t>(term.actor)].forecast;
  e.n = 0;
  e.delta.resize(static_cast<std::size_t>(proj.size) * ni);
  e.z.resize(static_cast<std::size_t>(proj.size));
  e.of_projected.resize(static_cast<std::size_t>(proj.size));
  for (int p = 0; p < proj.size; ++p) {
    double* row = &e.delta[static_cast<std::size_t>(e.n) * ni];
    const int rep = proj.representative[static_cast<std::size_t>(p)];
    for (std::size_t i = 0; i < ni; ++i) {
      double x = 0;
      for (const int t : proj.tracks) x += shift(f, inputs[i].first, b.track_option(rep, t));
      row[i] = x;
    }
    int match = e.n;
    for (int q = 0; q < e.n && match == e.n; ++q)
      if (std::equal(row, row + ni, &e.delta[static_cast<std::size_t>(q) * ni])) match = q;
    e.of_projected[static_cast<std::size_t>(p)] = match;
    if (match == e.n) {
      double z = 0;
      for (std::size_t i = 0; i < ni; ++i) z += inputs[i].second * row[i];
      e.z[static_cast<std::size_t>(e.n)] = z;
      ++e.n;
    }
  }
  // Each joint option's entry, looked up directly by entry_probabilities (once per class).
  e.of_joint.resize(static_cast<std::size_t>(b.n_joint));
  for (int j = 0; j < b.n_joint; ++j)
    e.of_joint[static_cast<std::size_t>(j)] =
        e.of_projected[static_cast<std::size_t>(proj.of_joint[static_cast<std::size_t>(j)])];
  e.prob.assign(static_cast<std::size_t>(slot.classes) * static_cast<std::size_t>(e.n), 0.0);
  e.prob_done.assign(static_cast<std::size_t>(slot.classes), 0);
  e.built = true;
}

// The probability of each entry under the responder's policy in a class.
const double* Decider::entry_probabilities(Slot& slot, Slot::Entries& e, int cls, const View& v) {
  double* prob = &e.prob[static_cast<std::size_t>(cls) * static_cast<std::size_t>(e.n)];
  if (e.prob_done[static_cast<std::size_t>(cls)]) return prob;
  const CompiledActor& b = m_.actors[static_cast<std::size_t>(slot.actor)];
  // Each entry's probability is summed over the joint options in their order, as before; the
  // running sum stays in a register while consecutive options share an entry (they often do)
  // instead of going through memory at every option.
  const int* entry = e.of_joint.data();
  auto sum_up = [&](auto joint) {
    int current = entry[0];
    double sum = prob[current];
    for (int j = 0; j < b.n_joint; ++j) {
      if (entry[j] != current) {
        prob[current] = sum;
        current = entry[j];
        sum = prob[current];
      }
      sum += joint(j);
    }
    prob[current] = sum;
  };
  if (v.weight)
    sum_up([&](int j) { return v.joint[j] * v.weight[v.key[j]]; });
  else
    sum_up([&](int j) { return v.joint[j]; });
  e.prob_done[static_cast<std::size_t>(cls)] = 1;
  return prob;
}

// E[shape(offset + sum w_v clamp(base_v + responders' shifts))] over the product of the
// responders' entries (lists_, list_prob_). Without a bound in reach each entry adds a fixed
// amount to the argument; otherwise every input is clamped to its bounds.
//
// The first responder's entries vary fastest and its part of every sum is added first, so that
// part (base plus its shifts, or z0 plus its contribution) is computed once per entry, not once
// per combination; the other responders' parts are then added in the same order as always.
double Decider::enumerate(const CompiledTerm& term, const double* base, bool clamp) {
  // The shape is fixed for the whole sum: each case is compiled with its own.
  switch (term.feature.shape) {
    case Shape::linear:
      return enumerate_as(term, base, clamp, [](double z) { return z; });
    case Shape::logistic:
      return enumerate_as(term, base, clamp,
                          [](double z) { return apply_shape(Shape::logistic, z); });
    case Shape::hinge:
      return enumerate_as(term, base, clamp, [](double z) { return apply_shape(Shape::hinge, z); });
    case Shape::ramp:
      return enumerate_as(term, base, clamp, [](double z) { return apply_shape(Shape::ramp, z); });
    case Shape::step:
      return enumerate_as(term, base, clamp, [](double z) { return apply_shape(Shape::step, z); });
  }
  return enumerate_as(term, base, clamp,
                      [&](double z) { return apply_shape(term.feature.shape, z); });
}

template <class ShapeFn>
double Decider::enumerate_as(const CompiledTerm& term, const double* base, bool clamp,
                             ShapeFn shape) {
  const auto& inputs = term.feature.inputs;
  const std::size_t ni = inputs.size();
  const std::size_t nr = term.responders.size();
  double z0 = term.feature.offset;
  if (!clamp)
    for (std::size_t i = 0; i < ni; ++i) z0 += inputs[i].second * base[i];
  const Slot::Entries* first = nr > 0 ? lists_[0] : nullptr;
  const std::size_t n0 = first ? static_cast<std::size_t>(first->n) : 1;
  first_.resize(n0 * (clamp ? ni : 1));
  for (std::size_t q = 0; q < n0; ++q) {
    if (clamp)
      for (std::size_t i = 0; i < ni; ++i)
        first_[q * ni + i] = first ? base[i] + first->delta[q * ni + i] : base[i];
    else
      first_[q] = first ? z0 + first->z[q] : z0;
  }
  // Each input's weight and bounds, read once instead of once per combination.
  double* w = input_weight_.data();
  double* lo = input_lo_.data();
  double* hi = input_hi_.data();
  if (clamp)
    for (std::size_t i = 0; i < ni; ++i) {
      w[i] = inputs[i].second;
      lo[i] = m_.lo(inputs[i].first);
      hi[i] = m_.hi(inputs[i].first);
    }
  const double* p0 = first ? list_prob_[0] : nullptr;
  const double* f0 = first_.data();
  // One combination: the first responder's entry q and one entry of each of the nd others, given
  // by its probability (pr) and its deltas (d) or its part of the argument (zr).
  double total = 0;
  auto add = [&](std::size_t q, const double* pr, auto clamp_tag, const double* const* d,
                 const double* zr, std::size_t nd) {
    // 1 times the first probability is that probability exactly.
    double p = p0 ? p0[q] : 1.0;
    for (std::size_t r = 0; r < nd; ++r) p *= pr[r];
    if (!(p > 0)) return;
    double z;
    if constexpr (decltype(clamp_tag)::value) {
      z = z0;
      const double* x0 = f0 + q * ni;
      for (std::size_t i = 0; i < ni; ++i) {
        double x = x0[i];
        for (std::size_t r = 0; r < nd; ++r) x += d[r][i];
        z += w[i] * std::clamp(x, lo[i], hi[i]);
      }
    } else {
      z = f0[q];
      for (std::size_t r = 0; r < nd; ++r) z += zr[r];
    }
    total += p * shape(z);
  };
  auto run = [&](auto clamp_tag) {
    if (nr <= 1) {
      for (std::size_t q = 0; q < n0; ++q) add(q, nullptr, clamp_tag, nullptr, nullptr, 0);
      return;
    }
    if (nr == 2) {
      const Slot::Entries& e1 = *lists_[1];
      for (int k = 0; k < e1.n; ++k) {
        const std::size_t kk = static_cast<std::size_t>(k);
        const double* d1 = decltype(clamp_tag)::value ? &e1.delta[kk * ni] : nullptr;
        const double zr = decltype(clamp_tag)::value ? 0.0 : e1.z[kk];
        for (std::size_t q = 0; q < n0; ++q) add(q, &list_prob_[1][kk], clamp_tag, &d1, &zr, 1);
      }
      return;
    }
    // Any number of responders: their entries counted through like digits, the second fastest.
    std::vector<int>& index = index_;
    std::fill(index.begin(), index.end(), 0);
    std::vector<const double*>& d = delta_ptr_;
    std::vector<double>& zr = z_part_;
    std::vector<double>& pr = prob_part_;
    for (;;) {
      for (std::size_t r = 1; r < nr; ++r) {
        const std::size_t k = static_cast<std::size_t>(index[r]);
        pr[r - 1] = list_prob_[r][k];
        if constexpr (decltype(clamp_tag)::value)
          d[r - 1] = &lists_[r]->delta[k * ni];
        else
          zr[r - 1] = lists_[r]->z[k];
      }
      for (std::size_t q = 0; q < n0; ++q)
        add(q, pr.data(), clamp_tag, d.data(), zr.data(), nr - 1);
      std::size_t r = 1;
      while (r < nr && ++index[r] == lists_[r]->n) index[r++] = 0;
      if (r >= nr) break;
    }
  };
  if (clamp)
    run(std::true_type{});
  else
    run(std::false_type{});
  return total;
}

// The responder's policy as the anticipator expects it at this level and class.
Decider::View Decider::view(int level, int anticipator, int responder, int cls) {
  const std::size_t pair =
      static_cast<std::size_t>(anticipator) * na_ + static_cast<std::size_t>(responder);
  if (level >= 2) {
    // Asked once per term, responder and class: answered from the cache before anything else.
    const std::size_t l = static_cast<std::size_t>(level - 1), c = static_cast<std::size_t>(cls);
    if (response_done_[l][pair][c]) return response_view_[l][pair][c];
    const View v = response(level, anticipator, responder, cls);
    response_view_[l][pair][c] = v;
    response_done_[l][pair][c] = 1;
    return v;
  }
  std::vector<double>& mean = plain_mean_[0][pair];
  const double* track = prev_track_[static_cast<std::size_t>(responder)].data();
  if (!prev_track_done_[static_cast<std::size_t>(responder)]) {
    track_marginals(responder, in_->sigma_prev[static_cast<std::size_t>(responder)].data(),
                    prev_track_[static_cast<std::size_t>(responder)].data());
    prev_track_done_[static_cast<std::size_t>(responder)] = 1;
  }
  if (!plain_mean_done_[0][pair]) {
    mean_shift(anticipator, responder, track, mean.data());
    plain_mean_done_[0][pair] = 1;
  }
  return {in_->sigma_prev[static_cast<std::size_t>(responder)].data(), track, mean.data()};
}

// Step 4: responder j's policy as anticipator i expects it at depth `level` if i takes an option
// of class `cls`: where j is headed (last week's target at depth 2, this week's depth-(level-1)
// target above), with leverage damping following i's option instead of the one in force, and the
// demands on j that the option would trigger (or end) weighing on j's levels on the demanded
// tracks, at the credibility i gives them.
Decider::View Decider::response(int level, int anticipator, int responder, int cls) {
  const std::size_t l = static_cast<std::size_t>(level - 1);
  const std::size_t pair =
      static_cast<std::size_t>(anticipator) * na_ + static_cast<std::size_t>(responder);
  const Channel& ch = m_.channel(anticipator, responder);
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(anticipator)];
  const CompiledActor& b = m_.actors[static_cast<std::size_t>(responder)];
  const std::size_t ri = static_cast<std::size_t>(responder);
  const std::size_t nopt = static_cast<std::size_t>(b.n_options);
  const std::size_t nkeys = ch.response_rep.size();
  double* weight = nullptr;
  double* track = nullptr;
  double* mean = nullptr;
  if (!ch.empty()) {
    weight = &response_weight_[l][pair][static_cast<std::size_t>(cls) * nkeys];
    track = &response_track_[l][pair][static_cast<std::size_t>(cls) * nopt];
    mean = &response_mean_[l][pair][static_cast<std::size_t>(cls) * static_cast<std::size_t>(m_.n)];
  }
  const double* base =
      level == 2 ? in_->target_prev[ri].data() : policy_at(level - 1, responder, true).data();
  const double* base_track =
      level == 2 ? prev_target_track_[ri].data() : policy_track_[l - 1][ri].data();
  if (ch.empty()) {
    std::vector<double>& plain = plain_mean_[l][pair];
    if (!plain_mean_done_[l][pair]) {
      mean_shift(anticipator, responder, base_track, plain.data());
      plain_mean_done_[l][pair] = 1;
    }
    return {base, base_track, plain.data()};
  }
  const int rep = ch.classes.representative[static_cast<std::size_t>(cls)];
  const int now = in_->current[static_cast<std::size_t>(anticipator)];
  // Log-weight per response key.
  weights_.assign(ch.response_rep.size(), 0.0);
  for (const int li : ch.leverages) {
    const CompiledLeverage& lev = m_.leverage[static_cast<std::size_t>(li)];
    const double shift_log =
        log_keep(li, a.option(rep, lev.track)) - log_keep(li, a.option(now, lev.track));
    for (std::size_t key = 0; key < weights_.size(); ++key)
      weights_[key] +=
          shift_log * lev.escalatory_count[static_cast<std::size_t>(ch.response_rep[key])];
  }
  if (!ch.rules.empty()) {
    class_forecast(ch, cls);
    const double* xc = xc_.data();
    for (const int rule : ch.rules) {
      const CompiledRule& r = m_.rules[static_cast<std::size_t>(rule)];
      const CompiledDemand& dem = r.demand;
      const double cred = dem.credibility >= 0 ? in_->x(dem.credibility) : 1.0;
      auto severity = [&](const double* x) {
        return std::clamp(dem.severity.linear(x), 0.0, dem.severity_max);
      };
      const bool active_now = in_->rule_active[static_cast<std::size_t>(rule)] != 0;
      const double now_cost = active_now ? severity(in_->x.data()) : 0.0;
      double then_cost = 0;
      if (r.when.eval(xc, levels_c_.data(), in_->step)) {
        double p = 1;
        if (!active_now) {
          // The chance it fires within the horizon.
          if (r.probability_metric >= 0) {
            p = std::clamp(m_.metrics[static_cast<std::size_t>(r.probability_metric)].eval(xc), 0.0,
                           1.0);
            p = 1 - std::pow(1 - p, a.horizon);
          } else {
            p = fire_within_[static_cast<std::size_t>(anticipator)][static_cast<std::size_t>(rule)];
          }
        }
        then_cost = p * severity(xc);
      }
      const double change = cred * (then_cost - now_cost);
      if (change == 0) continue;
      const CompiledTrack& t = b.tracks[static_cast<std::size_t>(dem.track)];
      for (std::size_t key = 0; key < weights_.size(); ++key) {
        const int level_b =
            t.options[static_cast<std::size_t>(b.option(ch.response_rep[key], dem.track))].level;
        weights_[key] -= b.lambda * change * shortfall(dem.level, level_b);
      }
    }
  }
  // The base policy's mass and track marginals per response key, once per level and pair: the
  // reweighted marginals are then a weighted sum over the keys.
  std::vector<double>& agg = aggregate_[l][pair];
  if (!aggregate_done_[l][pair]) {
    agg.resize(nkeys * (nopt + 1));
    aggregate_groups_[pair].sum(base, agg.data());
    aggregate_done_[l][pair] = 1;
  }
  // The log-weights are normalised below: the largest among keys the base policy gives mass to
  // is subtracted first, so that exp neither overflows nor underflows them all (a large
  // severity times lambda).
  double top = -INFINITY;
  for (std::size_t key = 0; key < nkeys; ++key)
    if (agg[key * (nopt + 1) + nopt] > 0) top = std::max(top, weights_[key]);
  for (auto& w : weights_) w = std::exp(w - top);
  double total = 0;
  for (std::size_t key = 0; key < nkeys; ++key)
    total += weights_[key] * agg[key * (nopt + 1) + nopt];
  for (std::size_t key = 0; key < nkeys; ++key) weight[key] = weights_[key] / total;
  std::fill(track, track + nopt, 0.0);
  for (std::size_t key = 0; key < nkeys; ++key) {
    const double* row = &agg[key * (nopt + 1)];
    const double w = weight[key];
    for (std::size_t o = 0; o < nopt; ++o) track[o] += w * row[o];
  }
  mean_shift(anticipator, responder, track, mean);
  return {base, track, mean, weight, ch.response_key.data()};
}

// The anticipator's forecast of the whole state (and its levels) if it holds the options of this
// class on the tracks that can trigger the channel's rules: the base forecast plus their shifts,
// clamped to the bounds.
void Decider::class_forecast(const Channel& ch, int cls) {
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(ch.anticipator)];
  const int rep = ch.classes.representative[static_cast<std::size_t>(cls)];
  xc_ = mu_[static_cast<std::size_t>(a.forecast)];
  levels_c_ = in_->levels;
  for (const int t : ch.rule_tracks) {
    const CompiledTrack& track = a.tracks[static_cast<std::size_t>(t)];
    const int o = a.option(rep, t);
    xc_ += P_[static_cast<std::size_t>(a.forecast)].col(track.first + o);
    levels_c_[static_cast<std::size_t>(track.slot)] =
        track.options[static_cast<std::size_t>(o)].level;
  }
  xc_ = xc_.cwiseMax(m_.lo).cwiseMin(m_.hi);
}

// Step 5: the logit policy at a level: exp(lambda * EU) times (1 - d) per escalatory track under
// each leverage of which the actor is the target (d from the option in force); pins force tracks.
const std::vector<double>& Decider::policy_at(int level, int actor, bool target) {
  const std::size_t l = static_cast<std::size_t>(level - 1), ai = static_cast<std::size_t>(actor);
  std::vector<double>& sigma = policy_[target][l][ai];
  if (policy_done_[target][l][ai]) return sigma;
  const CompiledActor& a = m_.actors[ai];
  const std::vector<double>& eu = utility(level, actor);
  const std::size_t nt = a.tracks.size();
  // The actor's adjustment costs by local track-option.
  const double* inertia = &own_inertia_[static_cast<std::size_t>(a.tracks.front().first)];
  const int* local = a.joint_local.data();
  for (int j = 0; j < a.n_joint; ++j, local += nt) {
    double u = eu[static_cast<std::size_t>(j)];
    if (target)
      for (std::size_t t = 0; t < nt; ++t) u += inertia[local[t]];
    sigma[static_cast<std::size_t>(j)] = a.lambda * u;
    // The model's ranges keep utilities finite (model/params.hpp); this catches what slips past
    // them before it turns into NaN probabilities.
    if (!std::isfinite(sigma[static_cast<std::size_t>(j)])) non_finite(level, actor, j);
  }
  for (const int li : a.leverages) {
    const CompiledLeverage& lev = m_.leverage[static_cast<std::size_t>(li)];
    const int option = m_.actors[static_cast<std::size_t>(lev.actor)].option(
        in_->current[static_cast<std::size_t>(lev.actor)], lev.track);
    const double keep = log_keep(li, option);
    for (int j = 0; j < a.n_joint; ++j)
      sigma[static_cast<std::size_t>(j)] +=
          keep * lev.escalatory_count[static_cast<std::size_t>(j)];
  }
  for (std::size_t t = 0; t < a.tracks.size(); ++t) {
    const int pin = in_->pins[static_cast<std::size_t>(a.tracks[t].slot)];
    if (pin < 0) continue;
    for (int j = 0; j < a.n_joint; ++j)
      if (a.option(j, static_cast<int>(t)) != pin) sigma[static_cast<std::size_t>(j)] = -INFINITY;
  }
  if (!softmax(sigma))
    throw RuntimeFailure("the choice probabilities of '" + a.id + "' in week " +
                         std::to_string(in_->step) +
                         " are not defined: every joint option is ruled out (pins, leverage)");
  if (target) track_marginals(actor, sigma.data(), policy_track_[l][ai].data());
  policy_done_[target][l][ai] = 1;
  return sigma;
}

// Names what made a utility non-finite: the actor's own costs (choice terms, inertia, demands), a
// feature term (by priority and weight), or lambda times a huge utility.
void Decider::non_finite(int level, int actor, int joint) {
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(actor)];
  const double u = eu_[static_cast<std::size_t>(level - 1)][static_cast<std::size_t>(actor)]
                      [static_cast<std::size_t>(joint)];
  std::string cause;
  double own = 0;
  for (std::size_t t = 0; t < a.tracks.size(); ++t)
    own += own_total_[static_cast<std::size_t>(a.track_option(joint, static_cast<int>(t)))];
  if (!std::isfinite(own)) {
    cause = "its own costs (choice terms, inertia, demands)";
  } else if (!std::isfinite(u)) {
    // Term by term (the responders' policies are cached by now: no recursion).
    std::vector<double> one(static_cast<std::size_t>(a.n_joint));
    for (const int k : a.terms) {
      std::fill(one.begin(), one.end(), 0.0);
      add_term(level, actor, k, one.data(), nullptr);
      if (std::isfinite(one[static_cast<std::size_t>(joint)])) continue;
      const CompiledTerm& term = m_.terms[static_cast<std::size_t>(k)];
      cause = "its term of priority '" + m_.priorities[static_cast<std::size_t>(term.priority)] +
              "' (weight " + num(term.weight) + ")";
      break;
    }
  }
  if (cause.empty()) cause = "lambda " + num(a.lambda) + " times " + num(u);
  throw RuntimeFailure("the expected utility of '" + a.id + "' for option '" +
                       a.joint_names[static_cast<std::size_t>(joint)] + "' in week " +
                       std::to_string(in_->step) + " is not finite (" + num(u) + "), from " +
                       cause +
                       ": a utility weight or an input too large for the model's numbers "
                       "(model/README.md, Ranges)");
}

// log(1 - d) of a leverage option this week, computed once a week (responses and policies all
// ask for it).
double Decider::log_keep(int leverage, int option) {
  const std::size_t li = static_cast<std::size_t>(leverage), o = static_cast<std::size_t>(option);
  if (!log_keep_done_[li][o]) {
    log_keep_[li][o] = std::log1p(-damping(m_.leverage[li], option));
    log_keep_done_[li][o] = 1;
  }
  return log_keep_[li][o];
}

double Decider::damping(const CompiledLeverage& l, int option) const {
  return std::min(l.max_damping,
                  l.damping[static_cast<std::size_t>(option)] * std::max(0.0, in_->x(l.variable)));
}

void Decider::explain(int actor, double* out) {
  const CompiledActor& a = m_.actors[static_cast<std::size_t>(actor)];
  explain_eu_.resize(static_cast<std::size_t>(a.n_joint));
  utility_into(a.depth, actor, explain_eu_.data(), out);
  for (const int li : a.leverages) {
    const CompiledLeverage& lev = m_.leverage[static_cast<std::size_t>(li)];
    const int option = m_.actors[static_cast<std::size_t>(lev.actor)].option(
        in_->current[static_cast<std::size_t>(lev.actor)], lev.track);
    const double keep = log_keep(li, option);
    if (a.lambda > 0)
      for (int j = 0; j < a.n_joint; ++j)
        out[static_cast<std::size_t>(j) * np_ + static_cast<std::size_t>(m_.damping_priority)] +=
            keep * lev.escalatory_count[static_cast<std::size_t>(j)] / a.lambda;
  }
}

}  // namespace stancesim
