#include "analysis/check_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "engine/compiled.hpp"
#include "model/params.hpp"
#include "output/outcomes.hpp"
#include "run/runner.hpp"
#include "scenario/scenario.hpp"

namespace stancesim {

namespace {
// The checks' metrics, per window and run, kept in memory (a few numbers per run).
class KeptMetricsSink : public RunSink {
 public:
  KeptMetricsSink(const std::vector<std::size_t>& kept, std::vector<EnsembleOutcomes>& results)
      : kept_(kept), results_(results) {}
  void deliver(int run, const RunOutcomes& outcomes, int) override {
    const std::size_t nk = kept_.size();
    for (std::size_t w = 0; w < results_.size(); ++w) {
      const double* values = outcomes.window(w);
      for (std::size_t k = 0; k < nk; ++k)
        results_[w].values[static_cast<std::size_t>(run) * nk + k] = values[kept_[k]];
    }
  }

 private:
  const std::vector<std::size_t>& kept_;
  std::vector<EnsembleOutcomes>& results_;
};
}  // namespace

std::size_t count_ensembles(const std::vector<Check>& checks) {
  std::set<std::tuple<std::string, std::vector<std::string>, int, std::int64_t>> ensembles;
  for (const auto& c : checks) {
    ensembles.insert({c.scenario, c.views, c.steps, c.min_runs});
    if (!c.reference.empty())
      ensembles.insert({c.reference, c.reference_views, c.steps, c.min_runs});
  }
  return ensembles.size();
}

WindowedOutcomes run_for_checks(const std::vector<Check>& checks, const CheckRunConfig& config) {
  // One ensemble per (scenario, views, horizon, minimum runs): its file, the windows the checks
  // read, the checks that need it (for messages).
  struct Run {
    std::string name, file;
    std::vector<std::string> views;
    int steps = 0;
    std::int64_t min_runs = 0;
    bool operator<(const Run& o) const {
      return std::tie(name, views, steps, min_runs) <
             std::tie(o.name, o.views, o.steps, o.min_runs);
    }
  };
  struct Need {
    std::set<Window> windows;
    std::vector<const Check*> by;
  };
  std::map<Run, Need> needs;
  for (const auto& c : checks) {
    auto& n = needs[Run{c.scenario, c.scenario_file, c.views, c.steps, c.min_runs}];
    n.windows.insert(c.window);
    n.by.push_back(&c);
    if (!c.reference.empty()) {
      auto& r = needs[Run{c.reference, c.reference_file, c.reference_views, c.steps, c.min_runs}];
      r.windows.insert(c.reference_window);
      r.by.push_back(&c);
    }
  }
  WindowedOutcomes out;
  for (const auto& [run, need] : needs) {
    std::vector<std::string> views = run.views.empty() ? config.views : run.views;
    LoadedScenario loaded = load_scenario(
        run.file, ScenarioOptions{config.model_dir, views, config.sets, config.model_sets, {}});
    if (config.files_read)
      config.files_read->insert(config.files_read->end(), loaded.model.files.begin(),
                                loaded.model.files.end());
    PlanRequest request = config.request;
    if (run.steps > 0) {
      for (const Check* c : need.by)
        for (const auto& s : loaded.scenario.shocks)
          if (s.to > run.steps)
            throw InputError(c->loc, "check '" + c->id + "' runs '" + run.name + "' to " +
                                         std::to_string(run.steps) + " steps but shock '" + s.id +
                                         "' acts later");
      request.steps = run.steps;
    }
    RunPlan plan = resolve_plan(request, loaded.scenario);
    // A check on a rare outcome asks for the sample it needs; both sides of a pair get it.
    if (run.min_runs > plan.runs) {
      request.runs = run.min_runs;
      plan = resolve_plan(request, loaded.scenario);
    }
    const CompiledModel model = compile(loaded.model, loaded.scenario);
    std::vector<Window> windows(need.windows.begin(), need.windows.end());
    RunnerOptions options;
    for (const auto& w : windows) {
      if (w.to > model.steps)
        for (const Check* c : need.by)
          throw InputError(c->loc, "check '" + c->id + "' needs steps up to " +
                                       std::to_string(w.to) + " but '" + run.name + "' runs " +
                                       std::to_string(model.steps));
      options.windows.emplace_back(w.from, w.to);
    }
    // Keep, per run, only the metrics the checks read: a few numbers per run, not every metric.
    const std::vector<std::string> all = Outcomes(model).names();
    std::vector<std::size_t> kept;
    for (const Check* c : need.by)
      for (const auto& term : c->metric) {
        const auto it = std::find(all.begin(), all.end(), term.first);
        const auto i = static_cast<std::size_t>(it - all.begin());
        if (it != all.end() && std::find(kept.begin(), kept.end(), i) == kept.end())
          kept.push_back(i);
      }
    std::vector<EnsembleOutcomes> results(windows.size());
    for (auto& r : results) {
      r.scenario = run.name;
      r.source = run.file;
      r.seed = plan.seed;
      r.runs = plan.runs;
      for (const std::size_t i : kept) r.metrics.push_back(all[i]);
      r.values.resize(static_cast<std::size_t>(plan.runs) * kept.size());
    }
    KeptMetricsSink sink(kept, results);
    run_plan(model, plan, options, {&sink});
    if (config.ensemble_done) config.ensemble_done();
    for (std::size_t w = 0; w < windows.size(); ++w)
      out[EnsembleKey{run.name, run.views, run.steps, windows[w], run.min_runs}] =
          std::move(results[w]);
  }
  return out;
}

std::vector<NullModel> null_models(const ModelSpec& spec) {
  std::vector<std::string> actors;
  for (const auto& a : spec.actors)
    if (a.deciding) actors.push_back(a.id);
  auto build = [&](const std::string& kind, const std::vector<std::string>& who,
                   const std::string& actor) {
    NullModel m;
    m.kind = kind;
    m.actor = actor;
    m.name = actor.empty() ? kind : kind + "_" + actor;
    for (const auto& id : who) {
      const Actor& a = *spec.find_actor(id);
      if (kind == "random") {
        m.sets.push_back("actor." + id + ".lambda=0");
        continue;
      }
      m.sets.push_back(fmt::format("actor.{}.switch_cost={}", id, kFrozenSwitchCost));
      for (const auto& t : a.tracks)
        if (t.inertia)
          m.sets.push_back(
              fmt::format("actor.{}.track.{}.switch_cost={}", id, t.id, kFrozenSwitchCost));
    }
    return m;
  };
  std::vector<NullModel> out;
  for (const char* kind : {"frozen", "random"}) out.push_back(build(kind, actors, ""));
  for (const auto& id : actors)
    for (const char* kind : {"frozen", "random"}) out.push_back(build(kind, {id}, id));
  return out;
}

std::vector<SampledParameter> robustness_parameters(const ModelSpec& spec) {
  std::set<std::string> set_by_views;
  for (const auto& v : spec.views)
    for (const auto& o : v.overrides) set_by_views.insert(o.path);
  std::vector<SampledParameter> out;
  auto add = [&](const std::string& path, double value) {
    if (set_by_views.count(path) || value == 0) return;
    out.push_back(SampledParameter{path, std::min(0.5 * value, 1.5 * value),
                                   std::max(0.5 * value, 1.5 * value)});
  };
  for (const auto& t : spec.terms) add("term." + t.actor + "." + t.id + ".weight", t.weight);
  for (const auto& r : spec.rules)
    if (r.demand && r.demand->severity.inputs.empty())
      add("rule." + r.id + ".demand.severity.offset", r.demand->severity.offset);
  return out;
}

std::vector<std::vector<std::string>> view_combinations(const ModelSpec& spec) {
  std::vector<std::string> disputes;
  for (const auto& v : spec.views)
    if (std::find(disputes.begin(), disputes.end(), v.dispute) == disputes.end())
      disputes.push_back(v.dispute);
  std::vector<std::vector<std::string>> combos{{}};
  for (const auto& d : disputes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& v : spec.views)
      if (v.dispute == d)
        for (auto c : combos) {
          c.push_back(v.name);
          next.push_back(std::move(c));
        }
    combos = std::move(next);
  }
  return combos;
}

std::vector<ParameterSet> latin_hypercube(const std::vector<SampledParameter>& parameters, int k,
                                          std::uint64_t seed,
                                          const std::vector<std::vector<std::string>>& view_cycle) {
  const CounterRng rng(seed, 0);
  std::vector<ParameterSet> sets(static_cast<std::size_t>(k));
  for (int s = 0; s < k; ++s) {
    sets[static_cast<std::size_t>(s)].values.resize(parameters.size());
    if (!view_cycle.empty())
      sets[static_cast<std::size_t>(s)].views =
          view_cycle[static_cast<std::size_t>(s) % view_cycle.size()];
  }
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    const std::uint64_t stream = stream_id("lhs/" + parameters[p].path);
    std::vector<int> strata(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) strata[static_cast<std::size_t>(i)] = i;
    for (int i = k - 1; i > 0; --i) {  // Fisher-Yates with counter draws
      const int j =
          static_cast<int>(rng.uniform(stream, 0, static_cast<std::uint64_t>(i)) * (i + 1));
      std::swap(strata[static_cast<std::size_t>(i)], strata[static_cast<std::size_t>(j)]);
    }
    for (int s = 0; s < k; ++s) {
      const double u = (strata[static_cast<std::size_t>(s)] +
                        rng.uniform(stream, 1, static_cast<std::uint64_t>(s))) /
                       k;
      sets[static_cast<std::size_t>(s)].values[p] =
          parameters[p].low + u * (parameters[p].high - parameters[p].low);
    }
  }
  return sets;
}

}  // namespace stancesim
