#include <doctest/doctest.h>

#include "engine/compiled.hpp"
#include "output/outcomes.hpp"
#include "run/plan.hpp"
#include "run/runner.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE("the run plan takes the command line's numbers, else the scenario's, checked once") {
  LoadedScenario loaded = load_scenario(mini_dir() + "/scenarios/plain.toml", {});
  Scenario& sc = loaded.scenario;
  PlanRequest request;
  request.threads = 3;
  const RunPlan from_file = resolve_plan(request, sc);
  CHECK(from_file.runs == sc.runs);
  CHECK(from_file.seed == sc.seed);
  CHECK(from_file.steps == sc.steps);
  CHECK(from_file.threads == 3);
  CHECK(from_file.explain_runs == 0);
  request.runs = 7;
  request.seed = 11;
  request.steps = 5;
  request.explain_runs = 2;
  const RunPlan given = resolve_plan(request, sc);
  CHECK(given.runs == 7);
  CHECK(given.seed == 11);
  CHECK(given.steps == 5);
  CHECK(sc.steps == 5);  // compile() reads the scenario's horizon
  CHECK(given.explain_runs == 2);
  request.threads = 0;
  CHECK(resolve_plan(request, sc).threads == default_threads());

  for (const auto& [bad, message] : std::vector<std::pair<PlanRequest, std::string>>{
           {PlanRequest{0, {}, {}, 0, 0, 1, "--runs"}, "--runs: expected 1 to 10000000 runs"},
           {PlanRequest{1, {}, {}, 0, 0, 2, "--robustness-runs"},
            "--robustness-runs: expected 2 to"},
           {PlanRequest{{}, -1, {}, 0, 0, 1, "--runs"}, "--seed: expected 0 to 2147483647"},
           {PlanRequest{{}, {}, 521, 0, 0, 1, "--runs"}, "--steps: expected 1 to 520"},
           {PlanRequest{{}, {}, {}, 257, 0, 1, "--runs"}, "--threads: expected 1 to 256"},
           {PlanRequest{10000000, {}, 520, 0, 0, 1, "--runs"}, "more than the limit"}}) {
    CAPTURE(message);
    try {
      Scenario copy = sc;
      resolve_plan(bad, copy);
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find(message) != std::string::npos);
    }
  }
}

namespace {
// Records what the runner hands a sink, to check order and slots.
class RecordingSink : public RunSink {
 public:
  void start(int slots) override { slots_ = slots; }
  void process(int run, const RunRecord& record, const RunOutcomes&, int slot) override {
    CHECK(slot == run % slots_);
    CHECK(record.steps > 0);
  }
  void deliver(int run, const RunOutcomes& outcomes, int slot) override {
    CHECK(slot == run % slots_);
    delivered.push_back(run);
    first.push_back(outcomes.values[0]);
    if (outcomes.metrics > 0) second_window.push_back(outcomes.window(1)[0]);
  }
  int slots_ = 0;
  std::vector<int> delivered;
  std::vector<double> first, second_window;
};
}  // namespace

TEST_CASE("the runner delivers every run in order, the same whatever the thread count") {
  LoadedScenario loaded = load_scenario(mini_dir() + "/scenarios/plain.toml", {});
  const CompiledModel model = compile(loaded.model, loaded.scenario);
  std::vector<RecordingSink> sinks(3);
  for (int threads : {1, 2, 4}) {
    RunPlan plan;
    plan.runs = 37;
    plan.seed = 5;
    plan.steps = model.steps;
    plan.threads = threads;
    RecordingSink& sink = sinks[static_cast<std::size_t>(threads == 4 ? 2 : threads - 1)];
    run_plan(model, plan, RunnerOptions{{{1, 0}, {1, 1}}, {}}, {&sink});
    REQUIRE(sink.delivered.size() == 37);
    for (int r = 0; r < 37; ++r) CHECK(sink.delivered[static_cast<std::size_t>(r)] == r);
  }
  CHECK(sinks[0].first == sinks[1].first);
  CHECK(sinks[0].first == sinks[2].first);
  // Window [1, 1]: the first metric (a final value) is read at step 1, not at the horizon.
  const Outcomes week_one(model, 1, 1);
  CHECK(week_one.names() == Outcomes(model).names());
  CHECK(sinks[0].second_window == sinks[2].second_window);
}
