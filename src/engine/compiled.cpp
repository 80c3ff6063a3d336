#include "engine/compiled.hpp"

#include <map>

#include "core/rng.hpp"

namespace stancesim {

namespace {

std::string join(const Claims& claims) {
  std::string out;
  for (const auto& c : claims) out += (out.empty() ? "" : ";") + c;
  return out;
}

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

class Compiler {
 public:
  Compiler(const ModelSpec& spec, const Scenario& scenario) : spec_(spec), scenario_(scenario) {}

  CompiledModel run() {
    m_.scenario = scenario_.name;
    m_.steps = scenario_.steps;
    for (int t = 0; t <= m_.steps; ++t) m_.dates.push_back(iso(add_days(spec_.start_date, 7 * t)));
    state();
    for (const auto& metric : spec_.metrics) {
      m_.metric_names.push_back(metric.name);
      m_.metrics.push_back(feature(metric.shape, metric.form));
    }
    actors();
    terms();
    leverage();
    rules();
    shocks_and_pins();
    m_.extra_columns.push_back("escalation_index");
    for (const auto& a : m_.actors) m_.extra_columns.push_back("escalation_index_" + a.id);
    m_.extra_columns.push_back("escalation_index_cum");
    m_.extra_columns.push_back("kahn_max_rung");
    for (const auto& d : m_.dyad_names) m_.extra_columns.push_back(d);
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

  void actors() {
    for (const Actor& a : spec_.actors) {
      if (!a.deciding) continue;
      CompiledActor ca;
      ca.id = a.id;
      ca.lambda = a.lambda;
      ca.kappa = a.kappa;
      ca.horizon = a.horizon;
      ca.choice_stream = stream_id("choice/" + a.id);
      for (const Track& t : a.tracks) {
        CompiledTrack ct;
        ct.id = t.id;
        ct.slot = static_cast<int>(m_.level_slots.size());
        m_.level_slots.emplace_back(static_cast<int>(m_.actors.size()),
                                    static_cast<int>(ca.tracks.size()));
        for (std::size_t k = 0; k < t.options.size(); ++k) {
          const Option& o = t.options[k];
          if (o.id == t.initial) ct.initial = static_cast<int>(k);
          CompiledOption co;
          co.id = o.id;
          co.level = o.level;
          for (const auto& c : spec_.escalation_classes)
            if (c.name == o.escalation_class) co.escalation_weight = c.weight;
          co.goldstein = o.goldstein;
          co.kahn = o.kahn;
          co.dyad = o.cameo == "none" ? -1 : dyad(a.id, o.target);
          co.escalatory = o.escalatory;
          for (const Effect& e : spec_.effects) {
            if (e.actor != a.id || e.track != t.id || e.option != o.id) continue;
            Sparse& list = e.mode == EffectMode::each_step  ? co.each_step
                           : e.mode == EffectMode::on_enter ? co.on_enter
                                                            : co.set;
            list.emplace_back(var(e.variable), e.value);
          }
          ct.options.push_back(co);
        }
        ca.tracks.push_back(ct);
      }
      // Joint options: every combination of one option per track, the last track fastest.
      ca.n_joint = 1;
      for (const auto& t : ca.tracks) ca.n_joint *= static_cast<int>(t.options.size());
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
      }
      m_.actors.push_back(std::move(ca));
    }
  }

  int actor_index(const std::string& id) const {
    for (std::size_t i = 0; i < m_.actors.size(); ++i)
      if (m_.actors[i].id == id) return static_cast<int>(i);
    return -1;
  }
  int track_index(const CompiledActor& a, const std::string& id) const {
    for (std::size_t i = 0; i < a.tracks.size(); ++i)
      if (a.tracks[i].id == id) return static_cast<int>(i);
    return -1;
  }
  int option_index(const CompiledTrack& t, const std::string& id) const {
    for (std::size_t i = 0; i < t.options.size(); ++i)
      if (t.options[i].id == id) return static_cast<int>(i);
    return -1;
  }

  void terms() {
    // Priorities in order of first appearance, then the mechanism's own labels.
    for (const Term& t : spec_.terms) priority(t.priority);
    for (const Rule& r : spec_.rules)
      if (r.demand) priority(r.demand->priority);
    m_.inertia_priority = priority("inertia");
    m_.damping_priority = priority("leverage_damping");
    const std::size_t np = m_.priorities.size();
    for (auto& a : m_.actors) a.choice_values.assign(static_cast<std::size_t>(a.n_joint) * np, 0.0);

    for (const Term& t : spec_.terms) {
      const int ai = actor_index(t.actor);
      CompiledActor& a = m_.actors[static_cast<std::size_t>(ai)];
      const int p = priority(t.priority);
      if (t.is_choice) {
        const int ti = track_index(a, t.track);
        for (const auto& [option, value] : t.values) {
          const int oi = option_index(a.tracks[static_cast<std::size_t>(ti)], option);
          for (int j = 0; j < a.n_joint; ++j)
            if (a.option(j, ti) == oi)
              a.choice_values[static_cast<std::size_t>(j) * np + static_cast<std::size_t>(p)] +=
                  t.weight * value;
        }
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
      ct.dense_weights.assign(static_cast<std::size_t>(m_.n), 0.0);
      for (const auto& [i, w] : ct.feature.inputs)
        ct.dense_weights[static_cast<std::size_t>(i)] += w;
      for (const auto& other : m_.actors) {
        bool moves = false;
        for (const auto& tr : other.tracks)
          for (const auto& o : tr.options)
            for (const Sparse* list : {&o.each_step, &o.on_enter, &o.set})
              for (const auto& [i, v] : *list)
                moves = moves || ct.dense_weights[static_cast<std::size_t>(i)] != 0;
        ct.moved_by.push_back(moves);
      }
      a.terms.push_back(static_cast<int>(m_.terms.size()));
      m_.terms.push_back(std::move(ct));
    }
  }

  void leverage() {
    for (const Leverage& l : spec_.leverage) {
      CompiledLeverage cl;
      cl.actor = actor_index(l.actor);
      const CompiledActor& a = m_.actors[static_cast<std::size_t>(cl.actor)];
      cl.track = track_index(a, l.track);
      cl.variable = var(l.variable);
      cl.max_damping = l.max_damping;
      const CompiledTrack& tr = a.tracks[static_cast<std::size_t>(cl.track)];
      cl.damping.assign(tr.options.size(), 0.0);
      for (const auto& [option, d] : l.damping)
        cl.damping[static_cast<std::size_t>(option_index(tr, option))] = d;
      const int li = static_cast<int>(m_.leverage.size());
      m_.leverage.push_back(cl);
      for (const auto& target : l.targets) {
        CompiledActor& ta = m_.actors[static_cast<std::size_t>(actor_index(target))];
        ta.escalatory_leverage = li;
        ta.escalatory_count.assign(static_cast<std::size_t>(ta.n_joint), 0);
        for (int j = 0; j < ta.n_joint; ++j)
          for (std::size_t t = 0; t < ta.tracks.size(); ++t)
            ta.escalatory_count[static_cast<std::size_t>(j)] +=
                ta.tracks[t]
                    .options[static_cast<std::size_t>(ta.option(j, static_cast<int>(t)))]
                    .escalatory;
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
      cr.claims = join(r.claims);
      cr.when = r.when;
      cr.probability = r.probability;
      if (!r.probability_metric.empty())
        for (std::size_t i = 0; i < spec_.metrics.size(); ++i)
          if (spec_.metrics[i].name == r.probability_metric)
            cr.probability_metric = static_cast<int>(i);
      cr.set = assignments(r.set);
      cr.add = assignments(r.add);
      cr.add_each_step = assignments(r.add_each_step);
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
        detail += "; demand " + r.demand->actor + "." + r.demand->track +
                  " >= " + std::to_string(r.demand->level) + " (severity " +
                  format_form(r.demand->severity) + ")";
      }
      cr.detail = detail;
      cr.stream = stream_id("rule/" + r.id);
      m_.rules.push_back(std::move(cr));
    }
  }

  void shocks_and_pins() {
    for (const Shock& s : scenario_.shocks) {
      CompiledShock cs;
      cs.id = s.id;
      cs.claims = join(s.claims);
      cs.from = s.from;
      cs.to = s.to;
      cs.probability = s.probability;
      cs.has_when = !s.when_text.empty();
      cs.when = s.when;
      cs.once = s.once;
      cs.set = assignments(s.set);
      cs.add = assignments(s.add);
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
