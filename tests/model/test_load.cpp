#include <doctest/doctest.h>

#include "model/load.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE("the mini model loads with every part in place") {
  const ModelSpec spec = load_model(mini_dir() + "/model");
  CHECK(spec.variables.size() == 5);
  CHECK(spec.find_variable("lv")->kind == VarKind::level);
  CHECK(spec.find_variable("b")->persistence == 0.5);
  CHECK(spec.actors.size() == 3);
  CHECK(spec.find_actor("alpha")->tracks[0].options[1].id == "push");
  CHECK(spec.terms.size() == 3);
  CHECK(spec.effects.size() == 2);
  CHECK(spec.rules.size() == 2);
  CHECK(spec.rules[0].demand->level == 1);
  CHECK(spec.views[0].overrides[0].path == "term.alpha.t2.weight");
  CHECK(spec.claims.at("C2") == "Another made-up claim, with a comma.");
  CHECK(spec.files.size() == 9);
}

TEST_CASE("the project's model loads and every cited claim is listed") {
  const ModelSpec spec = load_model(source_dir() + "/model");
  const Actor& china = *spec.find_actor("china");
  REQUIRE(china.tracks.size() == 3);
  CHECK(china.tracks[0].id == "dprk");
  CHECK(china.tracks[0].options.size() == 7);
  CHECK(china.tracks[1].id == "russia");
  CHECK(china.tracks[1].options.size() == 6);
  CHECK(china.tracks[2].id == "us_posture");
  CHECK(china.depth == 3);
  CHECK(spec.find_variable("cn_leverage")->initial == doctest::Approx(0.85));
  CHECK(spec.claims.size() >= 187);
}

TEST_CASE("bad model files give file:line:col and a message naming what was expected") {
  struct Case {
    const char* file;
    int line;             // line replaced
    const char* text;     // new text of that line
    int expected_line;    // where the error must point
    const char* message;  // part of the message
  };
  const Case cases[] = {
      {"state.toml", 8, "noise = 0\npersistance = 1", 9,
       "unknown key 'persistance' in [[variable]] 'a'"},
      {"state.toml", 8, "", 1, "missing key 'noise' in [[variable]] 'a'"},
      {"state.toml", 7, "initial = \"half\"", 7,
       "'initial' in [[variable]] 'a': expected a number, found a string"},
      {"state.toml", 7, "initial = 2", 7,
       "value 2 for 'variable.a.initial' is outside its [min, max] = [0, 1]"},
      {"state.toml", 7, "initial = nan", 7, "expected a finite number"},
      {"state.toml", 6, "max = 0", 6, "'max' must be greater than 'min'"},
      {"state.toml", 12, "name = \"a\"", 11, "duplicate state variable 'a'"},
      {"state.toml", 28, "noise = 0.1", 28, "a flag variable has no noise"},
      {"state.toml", 3, "kind = \"continous\"", 3, "expected continuous, flag or level"},
      {"state.toml", 9, "claims = [\"C9\"]", 9, "claim id 'C9' is not listed"},
      {"state.toml", 9, "claims = []", 9, "cite at least one claim id"},
      {"dynamics.toml", 32, "from = \"zz\"", 32, "unknown state variable 'zz' in [[cross]]"},
      {"dynamics.toml", 40, "option = \"shove\"", 40,
       "unknown option 'shove' on track 'alpha.move'"},
      {"dynamics.toml", 42, "each_step = 0.1\nset = 1", 41,
       "exactly one of each_step, on_enter or set"},
      {"rules.toml", 16, "when = \"aa >= 0.7\"", 16, "unknown name 'aa'"},
      {"rules.toml", 16, "when = \"a >= 0.7", 16, "string"},
      {"derived.toml", 4, "shape = \"sigmoid\"", 4,
       "expected linear, logistic, hinge, ramp or step"},
      {"model.toml", 1, "schema_version = 1", 1,
       "schema_version 1 is not supported: this stancesim reads schema_version 2"},
      {"model.toml", 9, "memory_weeks = 0", 9,
       "value 0 for 'escalation_index.memory_weeks' is outside [1, 520]"},
      {"actors.toml", 14, "initial = \"sit\"", 14,
       "initial option 'sit' is not an option of track 'alpha.move'"},
      {"actors.toml", 7, "", 1, "missing key 'switch_cost' in [[actor]] 'alpha'"},
      {"actors.toml", 9, "depth = 4", 9, "value 4 for 'actor.alpha.depth' is outside [1, 3]"},
      {"actors.toml", 15, "kappa = 0.1\nclaims = [\"C1\"]", 12,
       "missing key 'switch_cost' in [[actor.track]] of 'alpha'"},
      {"actors.toml", 51, "targets = [\"alpha\"]", 51,
       "leverage target 'alpha' is not another deciding actor"},
      {"actors.toml", 51, "targets = [\"beta.run\"]", 51,
       "unknown track in leverage target 'beta.run'"},
      {"rules.toml", 8,
       "demand = { actor = \"alpha\", track = \"move\", level = 1, severity = 3.0, severity_max "
       "= 3.0, priority = \"line\", credibility = \"b\" }",
       8, "'credibility': expected a state variable ranging within [0, 1]"},
      {"rules.toml", 9, "class = \"tepid\"\nclaims = [\"C1\"]", 9,
       "unknown escalation class 'tepid' in [[rule]] 'r_demand'"},
      {"dynamics.toml", 42, "each_step = { offset = 0.1, zz = 1 }", 42,
       "unknown state variable 'zz' in 'each_step'"},
      {"utility.toml", 5, "kind = \"feature\"\nkind = \"feature\"", 6,
       "cannot redefine existing string 'kind'"},
      {"utility.toml", 5, "kind = \"choise\"", 5, "expected feature or choice"},
      {"views.toml", 8, "paht = \"term.alpha.t2.weight\"", 8,
       "unknown key 'paht' in [[view.override]] of 'free' (did you mean 'path'?)"},
  };
  for (const auto& c : cases) {
    const std::string captured_file = c.file;
    CAPTURE(captured_file);
    const std::string captured_text = c.text;
    CAPTURE(captured_text);
    Scratch scratch("load");
    copy_mini(scratch.path());
    const fs::path model = scratch.path() / "model";
    replace_line(model / c.file, c.line, c.text);
    try {
      (void)load_model(model.string());
      FAIL("the model loaded");
    } catch (const InputError& e) {
      const std::string what = e.what();
      CAPTURE(what);
      CHECK(e.loc().file == (model / c.file).string());
      CHECK(e.loc().line == c.expected_line);
      CHECK(e.loc().column >= 1);
      CHECK(std::string(e.what()).find(c.message) != std::string::npos);
    }
  }
}

TEST_CASE("a variable without dynamics is reported") {
  Scratch scratch("load");
  copy_mini(scratch.path());
  const fs::path dyn = scratch.path() / "model" / "dynamics.toml";
  for (int line = 25; line <= 30; ++line) replace_line(dyn, line, "");
  CHECK_THROWS_WITH_AS(load_model((scratch.path() / "model").string()),
                       doctest::Contains("no [[variable]] dynamics for state variable 'n'"),
                       InputError);
}
