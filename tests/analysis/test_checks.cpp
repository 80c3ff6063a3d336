#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "analysis/check_runner.hpp"
#include "analysis/checks.hpp"
#include "core/error.hpp"
#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "model/load.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
const std::map<std::string, std::string> kClaims = {{"U01", "x"}, {"L31", "y"}};

std::string header() {
  return "[checks]\nscenarios = \"" + source_dir() + "/scenarios\"\n\n";
}

// Loads one check (an equivalence check gets a control check beside it).
Check one_check(const std::string& body) {
  Scratch scratch("checks");
  const auto file = (scratch.path() / "c.toml").string();
  const bool equivalence = body.find("abs <") != std::string::npos;
  write_file(file,
             header() + "[[check]]\n" + body +
                 (equivalence ? "control = \"moves\"\n\n[[check]]\nid = \"moves\"\nstatement "
                                "= \"m\"\nclaims = [\"U01\"]\nscenario = \"baseline\"\nmetric "
                                "= \"x\"\nstatistic = \"mean\"\nexpect = \"> 0\"\n"
                              : ""));
  auto checks = load_checks({file}, kClaims, "claims.csv");
  REQUIRE(checks.size() == (equivalence ? 2u : 1u));
  return checks[0];
}

EnsembleOutcomes ensemble(const std::string& name, const std::vector<double>& values) {
  EnsembleOutcomes e;
  e.scenario = name;
  e.source = name;
  e.seed = 1;
  e.runs = static_cast<int>(values.size());
  e.metrics = {"x"};
  e.values = values;
  return e;
}
}  // namespace

TEST_CASE("Wilson intervals for proportions") {
  auto [lo, hi] = wilson_interval(0, 500);
  CHECK(lo == doctest::Approx(0.0));
  CHECK(hi == doctest::Approx(0.00762).epsilon(0.01));
  std::tie(lo, hi) = wilson_interval(50, 100);
  CHECK(lo == doctest::Approx(0.4038).epsilon(0.001));
  CHECK(hi == doctest::Approx(0.5962).epsilon(0.001));
}

TEST_CASE("a check passes only when its whole interval meets the expectation") {
  const std::string body =
      "id = \"t\"\nstatement = \"s\"\nclaims = [\"U01\"]\nscenario = \"baseline\"\nmetric = \"x\"\n"
      "statistic = \"mean\"\n";
  WindowedOutcomes out;
  out[EnsembleKey{"baseline", {}, 0, Window{}}] =
      ensemble("baseline", {0.79, 0.81, 0.83, 0.85, 0.87});
  // mean 0.83, sd 0.0316, half-width 2.776 * 0.01414 = 0.039: interval [0.791, 0.869]
  CHECK(evaluate(one_check(body + "expect = \">= 0.78\"\n"), out).passed);
  const Check strict = one_check(body + "expect = \">= 0.8\"\n");
  const CheckResult r = evaluate(strict, out);
  CHECK(r.observed == doctest::Approx(0.83));
  CHECK_FALSE(r.passed);  // the point estimate meets it, the interval does not
  CHECK(evaluate(one_check(body + "expect = \"abs < 0.9\"\n"), out).passed);
  CHECK_FALSE(evaluate(one_check(body + "expect = \"< 0.83\"\n"), out).passed);

  const Check share = one_check(
      "id = \"s\"\nstatement = \"s\"\nclaims = [\"U01\"]\nscenario = \"baseline\"\nmetric = \"x\"\n"
      "statistic = \"share_of_runs\"\nwhere = \">= 0.85\"\nexpect = \"< 0.9\"\n");
  const CheckResult rs = evaluate(share, out);
  CHECK(rs.observed == doctest::Approx(0.4));  // 2 of 5 runs
  CHECK(rs.ci_high < 0.9);
  CHECK(rs.passed);
}

TEST_CASE("paired checks compare a scenario with a reference run by run") {
  const Check c = one_check(
      "id = \"p\"\nstatement = \"s\"\nclaims = [\"L31\"]\nscenario = "
      "\"nk_nuclear_test\"\nreference = \"baseline\"\n"
      "metric = { x = 2 }\nstatistic = \"mean\"\nexpect = \"> 0\"\n");
  CHECK(c.metric_text == "2*x");
  WindowedOutcomes out;
  out[EnsembleKey{"baseline", {}, 0, Window{}}] = ensemble("baseline", {1, 2, 3, 4});
  out[EnsembleKey{"nk_nuclear_test", {}, 0, Window{}}] =
      ensemble("nk_nuclear_test", {1.1, 2.1, 3.2, 4.1});
  const CheckResult r = evaluate(c, out);
  CHECK(r.observed == doctest::Approx(0.25));  // mean of 2 * (0.1, 0.1, 0.2, 0.1)
  CHECK(r.passed);
  out[EnsembleKey{"nk_nuclear_test", {}, 0, Window{}}].seed = 2;
  CHECK_THROWS_WITH_AS(evaluate(c, out), doctest::Contains("cannot pair"), InputError);
}

TEST_CASE("bad check files are input errors with positions") {
  struct Case {
    std::string body;
    int line;
    std::string message;
  };
  const std::string base = "id = \"b\"\nstatement = \"s\"\nclaims = [\"U01\"]\n";  // lines 5-7
  const Case cases[] = {
      {base + "scenario = \"nowhere\"\nmetric = \"x\"\nstatistic = \"mean\"\nexpect = \"> 0\"\n", 8,
       "no scenario file"},
      {base + "scenario = \"baseline\"\nmetric = \"x\"\nstatistic = \"median\"\nexpect = \"> 0\"\n",
       10, "expected mean or share_of_runs"},
      {base +
           "scenario = \"baseline\"\nmetric = \"x\"\nstatistic = \"mean\"\nexpect = \"about 3\"\n",
       11, "expected a comparison"},
      {base +
           "scenario = \"baseline\"\nmetric = \"x\"\nstatistic = \"mean\"\nexpect = \"> three\"\n",
       11, "expected a finite number"},
      {base + "scenario = \"baseline\"\nwindow = [5, 2]\nmetric = \"x\"\nstatistic = "
              "\"mean\"\nexpect = \"> 0\"\n",
       9, "1 <= from <= to"},
      {base + "scenario = \"baseline\"\nwindow = [1, 4294967297]\nmetric = \"x\"\nstatistic = "
              "\"mean\"\nexpect = \"> 0\"\n",
       9, "1 <= from <= to <= 520"},  // once truncated to [1, 1]
      {base + "scenario = \"baseline\"\nmetric = \"x\"\nstatistic = \"mean\"\nexpct = \"> 0\"\n",
       11, "did you mean 'expect'"},
      {base + "scenario = \"baseline\"\nmetric = \"x\"\nstatistic = \"mean\"\nexpect = \"abs < "
              "0.1\"\n",
       11, "names its positive control"},
      {base + "scenario = \"baseline\"\nmetric = \"x\"\nstatistic = \"mean\"\nexpect = \"> "
              "0\"\ncontrol = \"b\"\n",
       12, "'control' belongs to equivalence checks"},
      {base + "scenario = \"baseline\"\nsteps = 0\nmetric = \"x\"\nstatistic = \"mean\"\nexpect = "
              "\"> 0\"\n",
       9, "expected an integer in [1, 520]"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    Scratch scratch("checks");
    const auto file = (scratch.path() / "c.toml").string();
    write_file(file, header() + "[[check]]\n" + c.body);
    try {
      (void)load_checks({file}, kClaims, "claims.csv");
      FAIL("loaded");
    } catch (const InputError& e) {
      CHECK(e.loc().line == c.line);
      CHECK(std::string(e.what()).find(c.message) != std::string::npos);
    }
  }
}

TEST_CASE("the Latin hypercube puts one draw in each stratum of every parameter") {
  const std::vector<SampledParameter> params = {{"a", 0, 1}, {"b", -6, -2}};
  const auto sets = latin_hypercube(params, 16, 7, {{"lowy"}, {"bennett"}});
  REQUIRE(sets.size() == 16);
  for (std::size_t p = 0; p < params.size(); ++p) {
    std::set<int> strata;
    for (const auto& s : sets) {
      const double u = (s.values[p] - params[p].low) / (params[p].high - params[p].low);
      CHECK(u >= 0);
      CHECK(u < 1);
      strata.insert(static_cast<int>(u * 16));
    }
    CHECK(strata.size() == 16);
  }
  CHECK(sets[0].views == std::vector<std::string>{"lowy"});
  CHECK(sets[1].views == std::vector<std::string>{"bennett"});
  const ModelSpec spec = load_model(source_dir() + "/model");
  const auto sampled = robustness_parameters(spec);
  bool has_rift = false, has_view_param = false;
  for (const auto& p : sampled) {
    has_rift = has_rift || p.path == "term.china.visible_rift.weight";
    has_view_param = has_view_param || p.path == "term.china.russian_clout.weight";
    CHECK(p.low < p.high);
  }
  CHECK(has_rift);
  CHECK_FALSE(has_view_param);  // varied through the analyst views
  // One view per dispute, every combination: both sides of each dispute are covered.
  const auto combos = view_combinations(spec);
  CHECK(combos.size() == 4);
  CHECK(std::find(combos.begin(), combos.end(),
                  std::vector<std::string>{"bennett", "alliance_first"}) != combos.end());
  CHECK(std::find(combos.begin(), combos.end(),
                  std::vector<std::string>{"lowy", "beijing_first"}) != combos.end());
}

TEST_CASE("null models: frozen actors never move, random ones choose uniformly") {
  Scratch scratch("nulls");
  copy_mini(scratch.path());
  const std::string scenario = (scratch.path() / "scenarios" / "plain.toml").string();
  const ModelSpec spec = load_scenario(scenario, {}).model;
  const std::vector<NullModel> nulls = null_models(spec);
  std::vector<std::string> names;
  for (const auto& n : nulls) names.push_back(n.name);
  // Both kinds for every deciding actor together, then for each alone (gamma is reactive).
  CHECK(names == std::vector<std::string>{"frozen", "random", "frozen_alpha", "random_alpha",
                                          "frozen_beta", "random_beta"});
  auto run = [&](const NullModel& null) {
    ScenarioOptions options;
    options.model_sets = null.sets;
    const LoadedScenario loaded = load_scenario(scenario, options);
    const CompiledModel model = compile(loaded.model, loaded.scenario);
    std::vector<RunRecord> records(20);
    for (int i = 0; i < 20; ++i) Simulator(model).run(11, i, false, records[i]);
    return records;
  };
  for (const auto& record : run(nulls[0]))  // frozen: every track stays at its initial option
    for (int step = 1; step <= record.steps; ++step)
      for (int slot = 0; slot < record.n_slots; ++slot) {
        CHECK(record.choice_at(step, slot) == 0);
        CHECK(record.probability_at(step, slot) == doctest::Approx(1.0));
      }
  int moves = 0;
  for (const auto& record : run(nulls[1]))  // random: 1/2 for each of the two options
    for (int step = 1; step <= record.steps; ++step)
      for (int slot = 0; slot < record.n_slots; ++slot) {
        if (slot == 1) continue;  // beta's strike is damped by alpha's leverage when it pushes
        CHECK(record.probability_at(step, slot) == doctest::Approx(0.5));
        moves += record.choice_at(step, slot);
      }
  CHECK(moves > 10);
  CHECK(moves < 70);
  for (const auto& record : run(nulls[2]))  // frozen_alpha: alpha frozen, beta free
    for (int step = 1; step <= record.steps; ++step) CHECK(record.choice_at(step, 0) == 0);
}

TEST_CASE(
    "the analyses' expectations hold, and a wrong model fails them: stancesim check "
    "--null-models on tests/validation at 500 runs (the documented results)") {
#ifdef STANCESIM_SANITIZED
  const bool nulls = false;  // the optimised build runs them; here the checks alone
#else
  const bool nulls = true;
#endif
  Scratch scratch("validation");
  const auto r = run_command("cd " + source_dir() + " && " + binary() + " check" +
                             (nulls ? " --null-models" : "") + " --runs 500 --seed 1 --out " +
                             (scratch.path() / "checks").string());
  CAPTURE(r.output);
  // Exit 0: every check passes on the model and none that expects a change or a level passes
  // under both the all-frozen and the all-random null.
  CHECK(r.exit_code == 0);
  const auto rows = lines(read_file(scratch.path() / "checks" / "checks.csv"));
  REQUIRE(!rows.empty());
  CHECK(rows[0].rfind(nulls ? "check,kind,scenario,reference,metric,expected,observed,ci_low,"
                              "ci_high,passed,claims,passed_frozen,observed_frozen,passed_random,"
                              "observed_random,"
                            : "check,kind,scenario,reference,metric,expected,observed,ci_low,"
                              "ci_high,passed,claims",
                      0) == 0);
  CHECK(rows.size() >= 46);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(rows[i]);
    CHECK(rows[i].find(",true,") != std::string::npos);
  }
  CHECK(r.output.find("passing under both nulls") == std::string::npos);
}
