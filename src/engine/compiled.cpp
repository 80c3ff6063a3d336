#include "engine/compiled.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/limits.hpp"
#include "core/rng.hpp"
#include "core/text.hpp"

namespace stancesim {

int StateLayout::column(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

namespace {

// max |f''| of the logistic 1 / (1 + e^-z): 1 / (6 sqrt 3), at z = ln(2 +- sqrt 3).
constexpr double kLogisticMaxCurvature = 0.0962250448649376;

std::string format_form(const LinearForm& f) {
  std::string out;
  char buf[64];
  for (const auto& [name, w] : f.inputs) {
    std::snprintf(buf, sizeof buf, "%+g*", w);
    out += buf + name;
  }
  if (f.offset != 0 || out.empty()) {
    std::snprintf(buf, sizeof buf, out.empty() ? "%g" : "%+g", f.offset);
    out += buf;
  }
  return out;
}

Projection project(const CompiledActor& a, std::vector<int> tracks) {
  std::sort(tracks.begin(), tracks.end());
  tracks.erase(std::unique(tracks.begin(), tracks.end()), tracks.end());
  Projection p;
  p.tracks = tracks;
  for (const int t : tracks)
    p.size *= static_cast<int>(a.tracks[static_cast<std::size_t>(t)].options.size());
  p.of_joint.resize(static_cast<std::size_t>(a.n_joint));
  p.representative.assign(static_cast<std::size_t>(p.size), -1);
  for (int j = 0; j < a.n_joint; ++j) {
    int index = 0;
    for (const int t : tracks)
      index = index * static_cast<int>(a.tracks[static_cast<std::size_t>(t)].options.size()) +
              a.option(j, t);
    p.of_joint[static_cast<std::size_t>(j)] = index;
    if (p.representative[static_cast<std::size_t>(index)] < 0)
      p.representative[static_cast<std::size_t>(index)] = j;
  }
  return p;
}

// Groups joint options by a signature (joint options with equal signatures share a group).
template <class Signature>
Projection group(const CompiledActor& a, const Signature& signature) {
  Projection p;
  p.size = 0;
  std::map<std::vector<double>, int> index;
  p.of_joint.resize(static_cast<std::size_t>(a.n_joint));
  for (int j = 0; j < a.n_joint; ++j) {
    const auto [it, added] = index.emplace(signature(j), p.size);
    if (added) {
      p.representative.push_back(j);
      ++p.size;
    }
    p.of_joint[static_cast<std::size_t>(j)] = it->second;
  }
  return p;
}

class Compiler {
 public:
  Compiler(const ModelSpec& spec, const Scenario& scenario) : spec_(spec), scenario_(scenario) {}

  CompiledModel run() {
    m_.scenario = scenario_.name;
    m_.steps = scenario_.steps;
    m_.escalation_memory = spec_.escalation_memory;
    for (int t = 0; t <= m_.steps; ++t) m_.dates.push_back(iso(add_days(spec_.start_date, 7 * t)));
    state();
    for (const auto& metric : spec_.metrics) {
      m_.metric_names.push_back(metric.name);
      m_.metrics.push_back(feature(metric.shape, metric.form));
    }
    actors();
    forecasts();
    terms();
    leverage();
    rules();
    channels();
    term_keys();
    shocks_and_pins();
    columns();
    return std::move(m_);
  }

 private:
  int var(const std::string& name) const { return var_index_.at(name); }

  Feature feature(Shape shape, const LinearForm& form) const {
    Feature f;
    f.shape = shape;
    f.offset = form.offset;
    for (const auto& [name, w] : form.inputs) f.inputs.emplace_back(var(name), w);
    return f;
  }

  int priority(const std::string& name) {
    for (std::size_t i = 0; i < m_.priorities.size(); ++i)
      if (m_.priorities[i] == name) return static_cast<int>(i);
    m_.priorities.push_back(name);
    return static_cast<int>(m_.priorities.size()) - 1;
  }

  double class_weight(const std::string& name) const {
    for (const auto& c : spec_.escalation_classes)
      if (c.name == name) return c.weight;
    return 0;
  }

  void state() {
    m_.n = static_cast<int>(spec_.variables.size());
    const auto n = static_cast<Eigen::Index>(m_.n);
    m_.A = Eigen::MatrixXd::Zero(n, n);
    m_.c.resize(n);
    m_.lo.resize(n);
    m_.hi.resize(n);
    m_.initial.resize(n);
    m_.noise.resize(n);
    for (int i = 0; i < m_.n; ++i) {
      const Variable& v = spec_.variables[static_cast<std::size_t>(i)];
      var_index_[v.name] = i;
      m_.var_names.push_back(v.name);
      m_.A(i, i) = v.persistence;
      m_.c(i) = v.drift;
      m_.lo(i) = v.min;
      m_.hi(i) = v.max;
      m_.initial(i) = v.initial;
      m_.noise(i) = v.noise;
      if (v.noise > 0) m_.noisy.push_back(i);
      m_.noise_streams.push_back(stream_id("noise/" + v.name));
    }
    for (const auto& ce : spec_.cross_effects) m_.A(var(ce.to), var(ce.from)) += ce.coef;
  }

  int dyad(const std::string& from, const std::string& to) {
    const std::string name = "goldstein_" + from + "_" + to;
    for (std::size_t i = 0; i < m_.dyad_names.size(); ++i)
      if (m_.dyad_names[i] == name) return static_cast<int>(i);
    m_.dyad_names.push_back(name);
    return static_cast<int>(m_.dyad_names.size()) - 1;
  }

  CompiledOption option(const Actor& a, const Track& t, const Option& o) {
    CompiledOption co;
    co.id = o.id;
    co.level = o.level;
    co.escalation_weight = class_weight(o.escalation_class);
    co.goldstein = o.goldstein;
    co.kahn = o.kahn;
    co.dyad = o.cameo == "none" ? -1 : dyad(a.id, o.target);
    co.escalatory = o.escalatory;
    co.event = o.event;
    for (const Effect& e : spec_.effects) {
      if (e.actor != a.id || e.track != t.id || e.option != o.id) continue;
      const int v = var(e.variable);
      if (e.mode == EffectMode::set)
        co.set.emplace_back(v, e.value.offset);
      else if (e.mode == EffectMode::on_enter)
        co.on_enter.emplace_back(v, e.value.offset);
      else if (e.value.inputs.empty())
        co.each_step.emplace_back(v, e.value.offset);
      else
        co.each_step_state.emplace_back(v, feature(Shape::linear, e.value));
    }
    return co;
  }

  void actors() {
    for (const Actor& a : spec_.actors) {
      if (!a.deciding) continue;
      CompiledActor ca;
      ca.id = a.id;
      ca.lambda = a.lambda;
      ca.horizon = a.horizon;
      ca.depth = a.depth;
      ca.choice_stream = stream_id("choice/" + a.id);
      const int ai = static_cast<int>(m_.actors.size());
      for (const Track& t : a.tracks) {
        CompiledTrack ct;
        ct.id = t.id;
        ct.slot = static_cast<int>(m_.level_slots.size());
        ct.first = m_.n_track_options();
        const Inertia& in = t.inertia ? *t.inertia : a.inertia;
        ct.kappa = in.kappa;
        ct.switch_cost = in.switch_cost;
        m_.level_slots.emplace_back(ai, static_cast<int>(ca.tracks.size()));
        for (std::size_t k = 0; k < t.options.size(); ++k) {
          if (t.options[k].id == t.initial) ct.initial = static_cast<int>(k);
          ct.options.push_back(option(a, t, t.options[k]));
          m_.track_options.emplace_back(ai, static_cast<int>(ca.tracks.size()));
        }
        ca.tracks.push_back(ct);
      }
      // Joint options: every combination of one option per track, the last track fastest. The
      // loader bounds their number; a model built in code is checked here too, in 64 bits with
      // an early stop so the product cannot overflow.
      std::int64_t n_joint = 1;
      for (const auto& t : ca.tracks) {
        n_joint *= static_cast<std::int64_t>(t.options.size());
        if (n_joint > limits::kMaxJointOptions)
          throw InputError(a.loc, "actor '" + a.id + "' has more than " +
                                      std::to_string(limits::kMaxJointOptions) +
                                      " joint options (one option per track): expected at most " +
                                      std::to_string(limits::kMaxJointOptions));
      }
      ca.n_joint = static_cast<int>(n_joint);
      for (int j = 0; j < ca.n_joint; ++j) {
        int rest = j;
        std::vector<int> choice(ca.tracks.size());
        for (std::size_t t = ca.tracks.size(); t-- > 0;) {
          const int size = static_cast<int>(ca.tracks[t].options.size());
          choice[t] = rest % size;
          rest /= size;
        }
        std::string name;
        for (std::size_t t = 0; t < ca.tracks.size(); ++t) {
          ca.joint_options.push_back(choice[t]);
          name += (t ? "+" : "") + ca.tracks[t].options[static_cast<std::size_t>(choice[t])].id;
        }
        ca.joint_names.push_back(name);
        for (std::size_t t = 0; t < ca.tracks.size(); ++t)
          ca.joint_local.push_back(ca.tracks[t].first - ca.tracks.front().first + choice[t]);
      }
      for (const auto& t : ca.tracks) ca.n_options += static_cast<int>(t.options.size());
      m_.actors.push_back(std::move(ca));
    }
  }

  // One set of horizon operators per distinct horizon.
  void forecasts() {
    for (auto& a : m_.actors) {
      auto it = std::find_if(m_.forecasts.begin(), m_.forecasts.end(),
                             [&](const ForecastOperators& f) { return f.horizon == a.horizon; });
      if (it == m_.forecasts.end()) {
        ForecastOperators f;
        f.horizon = a.horizon;
        const auto n = static_cast<Eigen::Index>(m_.n);
        Eigen::MatrixXd power = Eigen::MatrixXd::Identity(n, n);
        f.G = Eigen::MatrixXd::Zero(n, n);
        for (int s = 0; s < a.horizon; ++s) {
          if (s == a.horizon - 1) f.E = power;
          f.G += power;
          power = m_.A * power;
        }
        f.F = power;
        f.g = f.G * m_.c;
        f.option_const = Eigen::MatrixXd::Zero(n, m_.n_track_options());
        f.option_enter = f.option_const;
        for (int to = 0; to < m_.n_track_options(); ++to) {
          const auto& [ai, ti] = m_.track_options[static_cast<std::size_t>(to)];
          const CompiledTrack& tr =
              m_.actors[static_cast<std::size_t>(ai)].tracks[static_cast<std::size_t>(ti)];
          const CompiledOption& o = tr.options[static_cast<std::size_t>(to - tr.first)];
          for (const auto& [u, value] : o.each_step) f.option_const.col(to) += f.G.col(u) * value;
          for (const auto& [u, value] : o.on_enter) f.option_enter.col(to) += f.E.col(u) * value;
          for (const auto& [u, form] : o.each_step_state) f.state_effects.push_back({to, u, form});
          for (const auto& [u, value] : o.set) f.set_effects.push_back({to, u, value});
        }
        m_.forecasts.push_back(std::move(f));
        it = m_.forecasts.end() - 1;
      }
      a.forecast = static_cast<int>(it - m_.forecasts.begin());
    }
  }

  // Can an option of this track move variable v over the horizon of these operators?
  static bool moves(const CompiledTrack& t, const ForecastOperators& f, int v) {
    for (const auto& o : t.options) {
      for (const auto& [u, value] : o.each_step)
        if (value != 0 && f.G(v, u) != 0) return true;
      for (const auto& [u, form] : o.each_step_state)
        if (f.G(v, u) != 0) return true;
      for (const auto& [u, value] : o.on_enter)
        if (value != 0 && f.E(v, u) != 0) return true;
      for (const auto& [u, value] : o.set)
        if (u == v) return true;
    }
    return false;
  }

  void terms() {
    // Priorities in order of first appearance, then the mechanism's own labels.
    for (const Term& t : spec_.terms) priority(t.priority);
    for (const Rule& r : spec_.rules)
      if (r.demand) priority(r.demand->priority);
    m_.inertia_priority = priority("inertia");
    m_.damping_priority = priority("leverage_damping");
    const std::size_t np = m_.priorities.size();
    m_.choice_values.assign(static_cast<std::size_t>(m_.n_track_options()) * np, 0.0);

    for (const Term& t : spec_.terms) {
      const int ai = actor_index(t.actor);
      CompiledActor& a = m_.actors[static_cast<std::size_t>(ai)];
      const int p = priority(t.priority);
      if (t.is_choice) {
        const CompiledTrack& tr = a.tracks[static_cast<std::size_t>(track_index(a, t.track))];
        for (const auto& [option, value] : t.values)
          m_.choice_values[static_cast<std::size_t>(tr.first + option_index(tr, option)) * np +
                           static_cast<std::size_t>(p)] += t.weight * value;
        continue;
      }
      CompiledTerm ct;
      ct.actor = ai;
      ct.priority = p;
      ct.weight = t.weight;
      if (!t.metric.empty()) {
        const Metric* metric = spec_.find_metric(t.metric);
        ct.feature = feature(metric->shape, metric->form);
      } else {
        ct.feature = feature(t.shape, t.form);
      }
      const ForecastOperators& f = m_.forecasts[static_cast<std::size_t>(a.forecast)];
      for (std::size_t b = 0; b < m_.actors.size(); ++b) {
        std::vector<int> tracks;
        const auto& other = m_.actors[b];
        for (std::size_t tr = 0; tr < other.tracks.size(); ++tr) {
          bool moving = false;
          for (const auto& [v, w] : ct.feature.inputs)
            moving = moving || (w != 0 && moves(other.tracks[tr], f, v));
          if (!moving) continue;
          tracks.push_back(static_cast<int>(tr));
          for (std::size_t o = 0; o < other.tracks[tr].options.size(); ++o)
            ct.moving_options.push_back(other.tracks[tr].first + static_cast<int>(o));
        }
        ct.moving.push_back(project(other, tracks));
      }
      split(ct, f);
      a.terms.push_back(static_cast<int>(m_.terms.size()));
      m_.terms.push_back(std::move(ct));
    }
  }

  int actor_index(const std::string& id) const {
    for (std::size_t i = 0; i < m_.actors.size(); ++i)
      if (m_.actors[i].id == id) return static_cast<int>(i);
    return -1;
  }
  static int track_index(const CompiledActor& a, const std::string& id) {
    for (std::size_t i = 0; i < a.tracks.size(); ++i)
      if (a.tracks[i].id == id) return static_cast<int>(i);
    return -1;
  }
  static int option_index(const CompiledTrack& t, const std::string& id) {
    for (std::size_t i = 0; i < t.options.size(); ++i)
      if (t.options[i].id == id) return static_cast<int>(i);
    return -1;
  }

  void leverage() {
    for (const Leverage& l : spec_.leverage) {
      const int ai = actor_index(l.actor);
      const CompiledActor& a = m_.actors[static_cast<std::size_t>(ai)];
      const int ti = track_index(a, l.track);
      const CompiledTrack& tr = a.tracks[static_cast<std::size_t>(ti)];
      std::vector<double> damping(tr.options.size(), 0.0);
      for (const auto& [option, d] : l.damping)
        damping[static_cast<std::size_t>(option_index(tr, option))] = d;
      // Group the targets by actor: "north_korea" covers all its tracks, "russia.tech" one.
      std::map<int, std::set<int>> targets;
      for (const auto& target : l.targets) {
        const auto dot = target.find('.');
        const int ta = actor_index(target.substr(0, dot));
        const CompiledActor& t = m_.actors[static_cast<std::size_t>(ta)];
        auto& tracks = targets[ta];
        for (std::size_t k = 0; k < t.tracks.size(); ++k)
          if (dot == std::string::npos || t.tracks[k].id == target.substr(dot + 1))
            tracks.insert(static_cast<int>(k));
      }
      for (const auto& [ta, tracks] : targets) {
        CompiledLeverage cl;
        cl.actor = ai;
        cl.track = ti;
        cl.variable = var(l.variable);
        cl.damping = damping;
        cl.max_damping = l.max_damping;
        cl.target = ta;
        CompiledActor& t = m_.actors[static_cast<std::size_t>(ta)];
        cl.escalatory_count.assign(static_cast<std::size_t>(t.n_joint), 0);
        for (int j = 0; j < t.n_joint; ++j)
          for (const int k : tracks)
            cl.escalatory_count[static_cast<std::size_t>(j)] +=
                t.tracks[static_cast<std::size_t>(k)]
                    .options[static_cast<std::size_t>(t.option(j, k))]
                    .escalatory;
        t.leverages.push_back(static_cast<int>(m_.leverage.size()));
        m_.leverage.push_back(std::move(cl));
      }
    }
  }

  std::vector<std::pair<int, Feature>> assignments(const std::vector<Assignment>& list) const {
    std::vector<std::pair<int, Feature>> out;
    for (const auto& a : list) out.emplace_back(var(a.variable), feature(Shape::linear, a.value));
    return out;
  }

  static std::string describe(const std::vector<Assignment>& list, const char* verb) {
    std::string out;
    for (const auto& a : list)
      out += std::string(out.empty() ? "" : "; ") + verb + " " + a.variable + " " +
             format_form(a.value);
    return out;
  }

  void rules() {
    for (const Rule& r : spec_.rules) {
      CompiledRule cr;
      cr.id = r.id;
      cr.actor = r.actor;
      const Actor* actor = spec_.find_actor(r.actor);
      cr.reactive = actor && !actor->deciding && r.kind == "reactive";
      cr.claims = join(r.claims, ";");
      cr.when = r.when;
      cr.probability = r.probability;
      if (!r.probability_metric.empty())
        for (std::size_t i = 0; i < spec_.metrics.size(); ++i)
          if (spec_.metrics[i].name == r.probability_metric)
            cr.probability_metric = static_cast<int>(i);
      cr.set = assignments(r.set);
      cr.add = assignments(r.add);
      cr.add_each_step = assignments(r.add_each_step);
      cr.escalation_weight = class_weight(r.escalation_class);
      for (const Operand& o : r.when.operands()) {
        if (o.kind == Operand::Kind::variable) cr.reads_variables.push_back(o.index);
        if (o.kind == Operand::Kind::level) cr.reads_slots.push_back(o.index);
      }
      std::string detail = "when " + r.when_text;
      for (const auto& part : {describe(r.set, "set"), describe(r.add, "add"),
                               describe(r.add_each_step, "add each step")})
        if (!part.empty()) detail += "; " + part;
      if (r.demand) {
        const int ai = actor_index(r.demand->actor);
        cr.has_demand = true;
        cr.demand.actor = ai;
        cr.demand.track = track_index(m_.actors[static_cast<std::size_t>(ai)], r.demand->track);
        cr.demand.level = r.demand->level;
        cr.demand.priority = priority(r.demand->priority);
        cr.demand.severity = feature(Shape::linear, r.demand->severity);
        cr.demand.severity_max = r.demand->severity_max;
        cr.demand.credibility = r.demand->credibility.empty() ? -1 : var(r.demand->credibility);
        for (const auto& [v, w] : cr.demand.severity.inputs) cr.reads_variables.push_back(v);
        detail += "; demand " + r.demand->actor + "." + r.demand->track +
                  " >= " + std::to_string(r.demand->level) + " (severity " +
                  format_form(r.demand->severity) + ")";
      }
      cr.detail = detail;
      cr.stream = stream_id("rule/" + r.id);
      m_.rules.push_back(std::move(cr));
    }
  }

  // Who can respond to whom: i's leverage over j, and demands on j that i's options can trigger.
  void channels() {
    const std::size_t na = m_.actors.size();
    m_.channels.resize(na * na);
    for (std::size_t i = 0; i < na; ++i)
      for (std::size_t j = 0; j < na; ++j) {
        Channel& ch = m_.channels[i * na + j];
        ch.anticipator = static_cast<int>(i);
        ch.responder = static_cast<int>(j);
        const CompiledActor& a = m_.actors[i];
        const ForecastOperators& f = m_.forecasts[static_cast<std::size_t>(a.forecast)];
        std::vector<int> tracks;
        if (i != j) {
          for (std::size_t l = 0; l < m_.leverage.size(); ++l)
            if (m_.leverage[l].actor == static_cast<int>(i) &&
                m_.leverage[l].target == static_cast<int>(j)) {
              ch.leverages.push_back(static_cast<int>(l));
              tracks.push_back(m_.leverage[l].track);
            }
          for (std::size_t r = 0; r < m_.rules.size(); ++r) {
            const CompiledRule& rule = m_.rules[r];
            if (!rule.has_demand || rule.demand.actor != static_cast<int>(j)) continue;
            std::vector<int> triggering;
            for (std::size_t t = 0; t < a.tracks.size(); ++t) {
              bool affects = std::find(rule.reads_slots.begin(), rule.reads_slots.end(),
                                       a.tracks[t].slot) != rule.reads_slots.end();
              for (const int v : rule.reads_variables)
                affects = affects || moves(a.tracks[t], f, v);
              if (affects) triggering.push_back(static_cast<int>(t));
            }
            if (triggering.empty()) continue;
            ch.rules.push_back(static_cast<int>(r));
            ch.rule_tracks.insert(ch.rule_tracks.end(), triggering.begin(), triggering.end());
          }
        }
        std::sort(ch.rule_tracks.begin(), ch.rule_tracks.end());
        ch.rule_tracks.erase(std::unique(ch.rule_tracks.begin(), ch.rule_tracks.end()),
                             ch.rule_tracks.end());
        // Two of i's joint options are one class for j when they damp j alike and do the same
        // to what the rules read on the tracks that can trigger them (variables through the
        // horizon operators, set values, its level when a condition reads the track).
        std::set<int> read_vars, read_slots;
        for (const int r : ch.rules) {
          const CompiledRule& rule = m_.rules[static_cast<std::size_t>(r)];
          read_vars.insert(rule.reads_variables.begin(), rule.reads_variables.end());
          read_slots.insert(rule.reads_slots.begin(), rule.reads_slots.end());
        }
        auto effect_signature = [&](int t, int o) {
          const CompiledTrack& tr = a.tracks[static_cast<std::size_t>(t)];
          const CompiledOption& opt = tr.options[static_cast<std::size_t>(o)];
          const int to = tr.first + o;
          std::vector<double> sig;
          for (const int v : read_vars) {
            sig.push_back(f.option_const(v, to));
            sig.push_back(f.option_enter(v, to));
            double set = NAN;
            for (const auto& [u, value] : opt.set)
              if (u == v) set = value;
            sig.push_back(std::isnan(set) ? -1e300 : set);
            for (const auto& [u, form] : opt.each_step_state)
              if (f.G(v, u) != 0) sig.push_back(static_cast<double>(o));  // state-sized: distinct
          }
          if (read_slots.count(tr.slot)) sig.push_back(opt.level);
          return sig;
        };
        ch.classes = group(a, [&](int joint) {
          std::vector<double> sig;
          for (const int l : ch.leverages) {
            const CompiledLeverage& lev = m_.leverage[static_cast<std::size_t>(l)];
            sig.push_back(lev.damping[static_cast<std::size_t>(a.option(joint, lev.track))]);
          }
          for (const int t : ch.rule_tracks) {
            const auto part = effect_signature(t, a.option(joint, t));
            sig.insert(sig.end(), part.begin(), part.end());
          }
          return sig;
        });
        ch.classes.tracks = tracks;
        ch.classes.tracks.insert(ch.classes.tracks.end(), ch.rule_tracks.begin(),
                                 ch.rule_tracks.end());
        const CompiledActor& b = m_.actors[j];
        std::map<std::vector<int>, int> keys;
        for (int joint = 0; joint < b.n_joint; ++joint) {
          std::vector<int> what;
          for (const int l : ch.leverages)
            what.push_back(m_.leverage[static_cast<std::size_t>(l)]
                               .escalatory_count[static_cast<std::size_t>(joint)]);
          for (const int r : ch.rules)
            what.push_back(b.option(joint, m_.rules[static_cast<std::size_t>(r)].demand.track));
          const auto [it, added] = keys.emplace(what, static_cast<int>(keys.size()));
          if (added) ch.response_rep.push_back(joint);
          ch.response_key.push_back(it->second);
        }
      }
  }

  // The tracks each term's value depends on for its owner: the tracks that move it, and at
  // depth >= 2 also the tracks through which the owner changes the responses of actors moving it.
  void term_keys() {
    for (auto& term : m_.terms) {
      const std::size_t i = static_cast<std::size_t>(term.actor);
      const CompiledActor& a = m_.actors[i];
      const Projection& own = term.moving[i];
      term.own_key[0] = own;
      term.own_key[1] = group(a, [&](int joint) {
        std::vector<double> sig{static_cast<double>(own.of_joint[static_cast<std::size_t>(joint)])};
        for (const int j : term.responders)
          sig.push_back(
              m_.channel(static_cast<int>(i), j).classes.of_joint[static_cast<std::size_t>(joint)]);
        return sig;
      });
      for (int v = 0; v < 2; ++v)
        for (const int rep : term.own_key[v].representative)
          for (const int t : own.tracks) term.key_options[v].push_back(a.track_option(rep, t));
      for (const int rep : term.own_key[1].representative)
        for (const int j : term.responders)
          term.key_classes.push_back(
              m_.channel(static_cast<int>(i), j).classes.of_joint[static_cast<std::size_t>(rep)]);
    }
  }

  // Which of another actor's moving tracks a term enumerates and which it takes at their mean:
  // the Jensen gap of averaging a contribution that spans s on the term's argument is at most
  // |w| s^2 max|f''| / 2 for a smooth shape (linear: 0 unless a bound binds, handled exactly
  // when it can), |w| s / 2 for a kinked one, and unbounded for a step.
  void split(CompiledTerm& ct, const ForecastOperators& f) {
    const std::size_t ni = ct.feature.inputs.size();
    ct.enumerated.resize(m_.actors.size());
    ct.averaged.resize(m_.actors.size());
    for (std::size_t b = 0; b < m_.actors.size(); ++b) {
      const CompiledActor& other = m_.actors[b];
      std::vector<int> enumerated;
      if (b != static_cast<std::size_t>(ct.actor) && !ct.moving[b].tracks.empty())
        ct.responders.push_back(static_cast<int>(b));
      for (const int t : ct.moving[b].tracks) {
        const CompiledTrack& tr = other.tracks[static_cast<std::size_t>(t)];
        double lo = INFINITY, hi = -INFINITY, loose = 0;
        for (std::size_t o = 0; o < tr.options.size(); ++o) {
          const auto to = static_cast<Eigen::Index>(tr.first) + static_cast<Eigen::Index>(o);
          double z = 0, z_enter = 0;
          for (std::size_t k = 0; k < ni; ++k) {
            const auto v = static_cast<Eigen::Index>(ct.feature.inputs[k].first);
            z += ct.feature.inputs[k].second * f.option_const(v, to);
            z_enter += ct.feature.inputs[k].second * f.option_enter(v, to);
          }
          lo = std::min({lo, z, z + z_enter});
          hi = std::max({hi, z, z + z_enter});
        }
        auto of_track = [&](int to) {
          return m_.track_options[static_cast<std::size_t>(to)] ==
                 std::pair{static_cast<int>(b), t};
        };
        for (const auto& e : f.state_effects) {
          if (!of_track(e.track_option)) continue;
          double bound = std::abs(e.value.offset);
          for (const auto& [v, coef] : e.value.inputs)
            bound += std::abs(coef) * std::max(std::abs(m_.lo(v)), std::abs(m_.hi(v)));
          for (const auto& [v, w] : ct.feature.inputs)
            loose += std::abs(w * f.G(v, e.variable)) * bound;
        }
        for (const auto& e : f.set_effects) {
          if (!of_track(e.track_option)) continue;
          for (const auto& [v, w] : ct.feature.inputs)
            if (v == e.variable) loose += std::abs(w) * (m_.hi(v) - m_.lo(v));
        }
        const double spread = hi - lo + 2 * loose;
        double error = 0;
        switch (ct.feature.shape) {
          case Shape::linear:
            error = 0;
            break;
          case Shape::logistic:
            error = std::abs(ct.weight) * spread * spread * kLogisticMaxCurvature / 2;
            break;
          case Shape::hinge:
          case Shape::ramp:
            error = std::abs(ct.weight) * spread / 2;
            break;
          case Shape::step:
            error = spread > 0 ? INFINITY : 0;
            break;
        }
        if (error <= kNegligibleUtility)
          ct.averaged[b].push_back(t);
        else
          enumerated.push_back(t);
      }
      ct.enumerated[b] = project(other, enumerated);
    }
  }

  void shocks_and_pins() {
    for (const Shock& s : scenario_.shocks) {
      CompiledShock cs;
      cs.id = s.id;
      cs.claims = join(s.claims, ";");
      cs.from = s.from;
      cs.to = s.to;
      cs.probability = s.probability;
      cs.has_when = !s.when_text.empty();
      cs.when = s.when;
      cs.once = s.once;
      cs.set = assignments(s.set);
      cs.add = assignments(s.add);
      cs.escalation_weight = class_weight(s.escalation_class);
      std::string detail = s.description;
      for (const auto& part : {describe(s.set, "set"), describe(s.add, "add")})
        if (!part.empty()) detail += "; " + part;
      cs.detail = detail;
      cs.stream = stream_id("shock/" + s.id);
      m_.shocks.push_back(std::move(cs));
    }
    for (const Pin& p : scenario_.pins) {
      CompiledPin cp;
      cp.actor = actor_index(p.actor);
      const CompiledActor& a = m_.actors[static_cast<std::size_t>(cp.actor)];
      cp.track = track_index(a, p.track);
      cp.option = option_index(a.tracks[static_cast<std::size_t>(cp.track)], p.option);
      cp.from = p.from;
      cp.to = p.to;
      m_.pins.push_back(cp);
    }
  }

  void columns() {
    StateLayout& l = m_.layout;
    l.names = m_.var_names;
    l.n_variables = m_.n;
    l.metrics = l.size();
    l.n_metrics = static_cast<int>(m_.metric_names.size());
    l.names.insert(l.names.end(), m_.metric_names.begin(), m_.metric_names.end());
    auto add = [&](const std::string& name) {
      l.names.push_back(name);
      return l.size() - 1;
    };
    l.escalation = add("escalation_index");
    for (const auto& a : m_.actors) add("escalation_index_" + a.id);
    l.escalation_events = add("escalation_index_events");
    l.escalation_cum = add("escalation_index_cum");
    l.positions = add("positions_index");
    for (const auto& a : m_.actors) add("positions_index_" + a.id);
    l.kahn = add("kahn_max_rung");
    l.dyads = l.size();
    l.n_dyads = static_cast<int>(m_.dyad_names.size());
    for (const auto& d : m_.dyad_names) add(d);
  }

  const ModelSpec& spec_;
  const Scenario& scenario_;
  CompiledModel m_;
  std::map<std::string, int> var_index_;
};

}  // namespace

CompiledModel compile(const ModelSpec& spec, const Scenario& scenario) {
  return Compiler(spec, scenario).run();
}

}  // namespace stancesim
