#include "run/runner.hpp"

#include "run/ensemble.hpp"

namespace stancesim {

void run_plan(const CompiledModel& model, const RunPlan& plan, const RunnerOptions& options,
              const std::vector<RunSink*>& sinks) {
  std::vector<Outcomes> calculators;
  for (const auto& [from, to] : options.windows) calculators.emplace_back(model, from, to);
  const std::size_t nm = calculators.empty() ? 0 : calculators.front().names().size();
  const int window = ensemble_window(plan);
  for (RunSink* s : sinks) s->start(window);
  struct Slot {
    std::vector<double> outcomes;
  };
  run_ensemble<Slot>(
      model, plan,
      [&](int run, const RunRecord& record, Slot& slot) {
        slot.outcomes.resize(calculators.size() * nm);
        for (std::size_t w = 0; w < calculators.size(); ++w)
          calculators[w].compute(record, &slot.outcomes[w * nm]);
        const RunOutcomes outcomes{slot.outcomes.data(), nm};
        for (RunSink* s : sinks) s->process(run, record, outcomes, run % window);
      },
      [&](int run, Slot& slot) {
        const RunOutcomes outcomes{slot.outcomes.data(), nm};
        for (RunSink* s : sinks) s->deliver(run, outcomes, run % window);
        if (options.progress) options.progress(run + 1 - plan.first(), plan.count());
      });
}

}  // namespace stancesim
