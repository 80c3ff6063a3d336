// One declared range per model number (model/params.hpp): a model file, a view, a scenario's
// [[override]] and --set give the same verdict on every number, and the ranges keep the
// arithmetic finite; what slips through anyway is caught where utilities are computed.
#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

#include "engine/compiled.hpp"
#include "engine/simulate.hpp"
#include "model/load.hpp"
#include "model/params.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {

Override ov(const std::string& path, double value) {
  Override o;
  o.path = path;
  o.value = value;
  o.loc = SourceLoc{"--set " + path, 0, 0};
  return o;
}

// The message of the InputError `f` throws (without its location), or "" when it throws none.
std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.message();
  }
  return "";
}

// A number as TOML text that reads back as exactly the same double.
std::string toml_number(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(v));
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// Writes `value` where the number at `loc` is written in `file`: replaces that number, or, at an
// inline table (a linear form without an offset), adds `offset = value` to it.
void write_value_at(const fs::path& file, const SourceLoc& loc, const std::string& value) {
  std::istringstream in(read_file(file));
  std::string out, line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (n == loc.line) {
      const std::size_t at = static_cast<std::size_t>(loc.column - 1);
      REQUIRE(at < line.size());
      if (line[at] == '{') {
        line.insert(at + 1, " offset = " + value + ",");
      } else {
        std::size_t end = at;
        while (end < line.size() &&
               std::string_view("0123456789+-.eE_").find(line[end]) != std::string_view::npos)
          ++end;
        REQUIRE(end > at);  // a number is written at the parameter's location
        line.replace(at, end - at, value);
      }
    }
    out += line + "\n";
  }
  write_file(file, out);
}

double just_below(double lo, bool integer) {
  return integer ? lo - 1 : lo - std::max(1e-9, std::abs(lo) * 1e-9);
}
double just_above(double hi, bool integer) {
  return integer ? hi + 1 : hi + std::max(1e-9, std::abs(hi) * 1e-9);
}

}  // namespace

TEST_CASE("a demand's level beyond its track's top level: the same refusal from a file and --set") {
  // The mini model's demand is on alpha.move, whose top level is 1.
  Scratch scratch("ranges");
  copy_mini(scratch.path());
  const fs::path model = scratch.path() / "model";
  ModelSpec spec = load_model(model.string());
  const std::string by_set =
      refusal([&] { apply_overrides(spec, {ov("rule.r_demand.demand.level", 2)}); });
  CHECK(by_set == "value 2 for 'rule.r_demand.demand.level' is outside [1, 1]");

  replace_line(model / "rules.toml", 8,
               "demand = { actor = \"alpha\", track = \"move\", level = 2, severity = 3.0, "
               "severity_max = 3.0, priority = \"line\" }");
  try {
    (void)load_model(model.string());
    FAIL("the model loaded");
  } catch (const InputError& e) {
    CHECK(e.message() == by_set);
    CHECK(e.loc().file == (model / "rules.toml").string());
    CHECK(e.loc().line == 8);
    CHECK(e.loc().column == 53);  // at the level's value
  }

  // The shipped model: the nuclear red line demands on china.dprk, whose top level is 5.
  ModelSpec shipped = load_model(source_dir() + "/model");
  CHECK(refusal([&] {
          apply_overrides(shipped, {ov("rule.nk_nuclear_test_red_line.demand.level", 9)});
        }) == "value 9 for 'rule.nk_nuclear_test_red_line.demand.level' is outside [1, 5]");
  const CommandResult r = run_command(binary() + " run " + source_dir() +
                                      "/scenarios/baseline.toml --dry-run "
                                      "--set rule.nk_nuclear_test_red_line.demand.level=9");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("is outside [1, 5]") != std::string::npos);
}

TEST_CASE("a term weight of -1e308 is refused in a model file, a scenario and by --set") {
  Scratch scratch("ranges");
  copy_mini(scratch.path());
  const fs::path model = scratch.path() / "model";
  {
    ModelSpec spec = load_model(model.string());
    const std::string by_set =
        refusal([&] { apply_overrides(spec, {ov("term.alpha.t1.weight", -1e308)}); });
    CHECK(by_set.find("value -1e+308 for 'term.alpha.t1.weight' is outside [") == 0);

    replace_line(model / "utility.toml", 8, "weight = -1e308");
    try {
      (void)load_model(model.string());
      FAIL("the model loaded");
    } catch (const InputError& e) {
      CHECK(e.message() == by_set);
      CHECK(e.loc().line == 8);
      CHECK(e.loc().column == 10);
    }
    replace_line(model / "utility.toml", 8, "weight = 1.0");
  }
  // A scenario's [[override]].
  write_file(scratch.path() / "scenarios" / "huge.toml",
             "[scenario]\nname = \"huge\"\ndescription = \"a huge weight\"\nclaims = [\"C1\"]\n\n"
             "[[override]]\npath = \"term.alpha.t1.weight\"\nvalue = -1e308\n"
             "rationale = \"hostile\"\nclaims = [\"C1\"]\n");
  try {
    (void)load_scenario((scratch.path() / "scenarios" / "huge.toml").string(), {});
    FAIL("the scenario loaded");
  } catch (const InputError& e) {
    CHECK(e.message().find("value -1e+308 for 'term.alpha.t1.weight' is outside [") == 0);
    CHECK(e.loc().line == 8);
  }
  // --set on the shipped model, through the command line.
  const CommandResult r = run_command(binary() + " run " + source_dir() +
                                      "/scenarios/baseline.toml --dry-run "
                                      "--set term.china.no_nukes.weight=-1e308");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("'term.china.no_nukes.weight' is outside [") != std::string::npos);
}

TEST_CASE("every parameter of the shipped model: the loader and overrides share one range") {
  const std::string dir = source_dir() + "/model";
  ModelSpec spec = load_model(dir);
  Scratch scratch("ranges");
  const fs::path model = scratch.path() / "model";
  fs::create_directories(model);
  for (const auto& entry : fs::directory_iterator(dir)) fs::copy(entry.path(), model);
  const auto slots = parameter_slots(spec);
  REQUIRE(slots.size() > 300);
  int checked = 0;
  for (const auto& [path, slot] : slots) {
    CAPTURE(path);
    const bool integer = slot.integer != nullptr;
    const double value = integer ? *slot.integer : *slot.number;
    // Finite ranges that hold the shipped value.
    REQUIRE(std::isfinite(slot.lo));
    REQUIRE(std::isfinite(slot.hi));
    CHECK(slot.lo <= value);
    CHECK(value <= slot.hi);
    {
      ModelSpec copy = spec;
      CHECK(refusal([&] { apply_overrides(copy, {ov(path, value)}); }) == "");
    }
    // Every parameter is reported where its value is written (or its form, for an offset left
    // out), in a model file.
    REQUIRE(slot.loc.line > 0);
    const fs::path file = model / fs::path(slot.loc.file).filename();
    REQUIRE(fs::is_regular_file(file));
    const std::string original = read_file(file);
    for (const double outside : {just_below(slot.lo, integer), just_above(slot.hi, integer)}) {
      CAPTURE(outside);
      ModelSpec copy = spec;
      const std::string by_set = refusal([&] { apply_overrides(copy, {ov(path, outside)}); });
      write_value_at(file, slot.loc, toml_number(outside, integer));
      const std::string by_file = refusal([&] { (void)load_model(model.string()); });
      write_file(file, original);
      CHECK(!by_set.empty());
      CHECK(by_set.find("'" + path + "'") != std::string::npos);
      CHECK(by_file == by_set);
      ++checked;
    }
  }
  CHECK(checked == 2 * static_cast<int>(slots.size()));
  // The copy is the shipped model again.
  CHECK_NOTHROW((void)load_model(model.string()));
}

TEST_CASE("constraints between numbers give the same verdict from files and overrides") {
  Scratch scratch("ranges");
  copy_mini(scratch.path());
  const fs::path model = scratch.path() / "model";
  struct Case {
    const char* file;
    int line;
    const char* text;
    const char* path;
    double value;
    const char* message;
  };
  const Case cases[] = {
      {"state.toml", 7, "initial = 2", "variable.a.initial", 2, "outside its [min, max]"},
      {"state.toml", 8, "noise = 1.5", "variable.a.noise", 1.5, "exceeds max - min"},
      {"state.toml", 26, "max = 2", "variable.f.max", 2, "a flag ranges over [0, 1]"},
      {"dynamics.toml", 15, "persistence = 0.5", "variable.f.persistence", 0.5,
       "it keeps its value"},
      {"dynamics.toml", 50, "set = 7", "effect.beta.act.strike.lv", 7, "outside the range"},
      {"rules.toml", 18, "set = { f = 0.5 }", "rule.r_flag.set.f", 0.5, "a whole number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    ModelSpec spec = load_model(model.string());
    const std::string by_set = refusal([&] { apply_overrides(spec, {ov(c.path, c.value)}); });
    CHECK(by_set.find(c.message) != std::string::npos);
    const fs::path file = model / c.file;
    const std::string original = read_file(file);
    replace_line(file, c.line, c.text);
    try {
      (void)load_model(model.string());
      FAIL("the model loaded");
    } catch (const InputError& e) {
      CHECK(e.message() == by_set);
      CHECK(e.loc().line == c.line);
    }
    write_file(file, original);
  }
  // A credibility variable must stay within [0, 1] whatever overrides its bounds.
  Scratch s2("ranges");
  copy_mini(s2.path());
  replace_line(s2.path() / "model" / "rules.toml", 8,
               "demand = { actor = \"alpha\", track = \"move\", level = 1, severity = 3.0, "
               "severity_max = 3.0, priority = \"line\", credibility = \"a\" }");
  ModelSpec spec = load_model((s2.path() / "model").string());
  CHECK(refusal([&] {
          apply_overrides(spec, {ov("variable.a.max", 2)});
        }).find("'credibility': expected a state variable ranging within [0, 1]") !=
        std::string::npos);
}

TEST_CASE("combinations of in-range numbers that could overflow are refused") {
  Scratch scratch("ranges");
  copy_mini(scratch.path());
  ModelSpec spec = load_model((scratch.path() / "model").string());
  // Weight and coefficient each in range; with b up to 1e9, t1 could reach 1e21.
  const std::string big = refusal([&] {
    apply_overrides(spec, {ov("variable.b.max", 1e9), ov("term.alpha.t1.weight", 1e6),
                           ov("term.alpha.t1.input.a", 1e6), ov("variable.a.max", 1e9)});
  });
  CHECK(big.find("utility of 'alpha' could reach") != std::string::npos);
  CHECK(big.find("term 'alpha.t1'") != std::string::npos);
  // A metric is written to state.csv: it must stay printable.
  ModelSpec spec2 = load_model((scratch.path() / "model").string());
  CHECK(refusal([&] {
          apply_overrides(spec2, {ov("variable.a.max", 1e9), ov("metric.m.input.a", 1e6)});
        }).find("metric 'm' could reach") != std::string::npos);
  // Explosive dynamics over a long horizon: forecasts would overflow.
  ModelSpec spec3 = load_model((scratch.path() / "model").string());
  CHECK(refusal([&] {
          apply_overrides(spec3, {ov("cross.a.b", 1e6), ov("actor.alpha.horizon", 104)});
        }).find("forecasts could grow") != std::string::npos);
}

TEST_CASE("a non-finite utility stops the run with the actor, week and option") {
  // The model's checks keep utilities finite; a compiled model altered past them shows the
  // decision's own check.
  Scratch scratch("ranges");
  copy_mini(scratch.path());
  LoadedScenario loaded = load_scenario((scratch.path() / "scenarios" / "plain.toml").string(), {});
  CompiledModel model = compile(loaded.model, loaded.scenario);
  REQUIRE(!model.terms.empty());
  model.terms[0].weight = 1e308;  // alpha's t1 (likes a): 1e308 * 1e308 * a overflows
  model.terms[0].feature.inputs[0].second = 1e308;
  Simulator sim(model);
  RunRecord r;
  try {
    sim.run(0, 0, false, r);
    FAIL("the run finished");
  } catch (const RuntimeFailure& e) {
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(what.find("alpha") != std::string::npos);
    CHECK(what.find("week 1") != std::string::npos);
    CHECK(what.find("'stay'") != std::string::npos);
    CHECK(what.find("term of priority 'p1' (weight 1e+308)") != std::string::npos);
  }
}
