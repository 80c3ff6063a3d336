// Scenario files: every what-if of the project validates and runs; every bad file in
// tests/data/bad_scenarios/ gives the error its first line expects, at the right line and column,
// with exit code 2 and nothing written.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/limits.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
std::vector<fs::path> toml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Writes link_0.toml extends link_1.toml ... extends link_<files-1>.toml; returns the leaf.
fs::path write_extends_chain(const fs::path& dir, int files) {
  for (int i = 0; i < files; ++i) {
    std::string text = "[scenario]\n";
    if (i + 1 < files) text += "extends = \"link_" + std::to_string(i + 1) + ".toml\"\n";
    text += "name = \"link_" + std::to_string(i) + "\"\ndescription = \"d\"\nclaims = [\"U01\"]\n";
    if (i + 1 == files) text += "runs = 9\n";
    write_file(dir / ("link_" + std::to_string(i) + ".toml"), text);
  }
  return dir / "link_0.toml";
}
}  // namespace

TEST_CASE(
    "every scenario file validates and runs and the nineteen what-ifs of MODEL.md are there") {
  const std::vector<std::string> names = {"baseline",
                                          "nk_into_ukraine",
                                          "nk_nuclear_test",
                                          "nk_provocations_below_red_line",
                                          "russia_nuclear_tech_transfer",
                                          "prolonged_deployment",
                                          "kursk_failure",
                                          "us_pretext_action",
                                          "nk_attack_south",
                                          "secondary_sanctions_on_china",
                                          "china_lethal_aid",
                                          "china_punishes_nk",
                                          "south_korea_offensive_weapons",
                                          "nato_indo_pacific_formalised",
                                          "ceasefire_talks",
                                          "russia_nuclear_signalling",
                                          "russia_displaces_china",
                                          "us_china_summit_pressure",
                                          "acknowledged_deployment"};
  const auto files = toml_files(source_dir() + "/scenarios");
  // An analyst's own what-ifs may sit beside them (scenarios/README.md): they must validate too.
  CHECK(files.size() >= names.size());
  for (const auto& name : names) CHECK(fs::exists(source_dir() + "/scenarios/" + name + ".toml"));
  Scratch scratch("scenarios");
  for (const auto& file : files) {
    const std::string name = file.stem().string();
    CAPTURE(name);
    const auto v = run_command(binary() + " validate " + file.string());
    CHECK(v.exit_code == 0);
    CHECK(v.output.rfind("ok    ", 0) == 0);
    const auto r = run_command(binary() + " run " + file.string() + " --runs 8 --threads 2 --out " +
                               (scratch.path() / name).string());
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(scratch.path() / name / "summary.csv"));
    const auto loaded = load_scenario(file.string(), {});
    CHECK(loaded.scenario.name == name);
    CHECK(!loaded.scenario.description.empty());
    CHECK(!loaded.scenario.claims.empty());
  }
}

TEST_CASE("bad scenario files give the expected file:line:col message and exit code 2") {
  const fs::path dir = source_dir() + "/tests/data/bad_scenarios";
  int checked = 0;
  for (const auto& file : toml_files(dir)) {
    const auto first = lines(read_file(file)).front();
    const std::string tag = "# expect: ";
    if (first.rfind(tag, 0) != 0) continue;  // a helper file (e.g. the other half of a cycle)
    std::string expect = first.substr(tag.size());
    // The expectation is [FILE:]LINE:COL: MESSAGE; FILE defaults to the file itself.
    std::string where = file.string();
    if (!std::isdigit(static_cast<unsigned char>(expect[0]))) {
      where = (dir / expect.substr(0, expect.find(':'))).string();
      expect = expect.substr(expect.find(':') + 1);
    }
    const std::string position = expect.substr(0, expect.find(": ") + 2);
    const std::string message = expect.substr(expect.find(": ") + 2);
    const std::string name = file.filename().string();
    CAPTURE(name);
    Scratch scratch("bad");
    const std::string out = (scratch.path() / "res").string();
    const auto v =
        run_command(binary() + " validate --model " + source_dir() + "/model " + file.string());
    CHECK(v.exit_code == 2);
    CHECK(v.output.rfind(where + ":" + position + message, 0) == 0);
    const auto r = run_command(binary() + " run --model " + source_dir() + "/model " +
                               file.string() + " --runs 2 --out " + out);
    CHECK(r.exit_code == 2);
    CHECK(r.output.rfind(where + ":" + position + message, 0) == 0);
    CHECK(!fs::exists(out));
    ++checked;
  }
  CHECK(checked >= 15);
}

TEST_CASE("extends merges files: the child's shocks and overrides come after its parent's") {
  Scratch scratch("extends");
  write_file(scratch.path() / "parent.toml",
             "[scenario]\nname = \"parent\"\ndescription = \"p\"\nclaims = [\"U01\"]\nruns = "
             "7\nseed = 3\n\n"
             "[[override]]\npath = \"term.china.sanctions.weight\"\nvalue = -6\nrationale = "
             "\"p\"\nclaims = [\"V26\"]\n\n"
             "[[shock]]\nid = \"s\"\ndescription = \"parent's\"\nstep = 2\nadd = { "
             "west_pressure_cn = 0.1 }\nclaims = [\"U42\"]\n");
  write_file(scratch.path() / "child.toml",
             "[scenario]\nextends = \"parent.toml\"\nname = \"child\"\ndescription = \"c\"\nclaims "
             "= [\"U01\"]\nseed = 4\n"
             "view = \"bennett\"\n\n"
             "[[override]]\npath = \"term.china.sanctions.weight\"\nvalue = -7\nrationale = "
             "\"c\"\nclaims = [\"V26\"]\n\n"
             "[[shock]]\nid = \"s\"\ndescription = \"child's\"\nstep = 3\nadd = { west_pressure_cn "
             "= 0.2 }\nclaims = [\"U42\"]\n");
  ScenarioOptions options;
  options.model_dir = source_dir() + "/model";
  options.sets = {"term.china.sanctions.weight=-8"};
  const LoadedScenario loaded = load_scenario((scratch.path() / "child.toml").string(), options);
  const Scenario& s = loaded.scenario;
  CHECK(s.name == "child");
  CHECK(s.runs == 7);  // inherited
  CHECK(s.seed == 4);  // replaced
  CHECK(s.chain.size() == 2);
  REQUIRE(s.shocks.size() == 1);  // same id: the child's replaces the parent's
  CHECK(s.shocks[0].description == "child's");
  // Order: the view's overrides, the parent's, the child's, then --set: the last one wins.
  CHECK(s.overrides.front().path == "term.china.russian_clout.weight");
  CHECK(s.overrides.back().value == -8);
  for (const auto& t : loaded.model.terms)
    if (t.actor == "china" && t.id == "sanctions") CHECK(t.weight == -8);
  options.views = {"lowy"};  // --view replaces the file's view
  CHECK(load_scenario((scratch.path() / "child.toml").string(), options).scenario.views ==
        std::vector<std::string>{"lowy"});
}

TEST_CASE("a model variant applies before the scenario: its overrides still win") {
  // Robustness sets and null models perturb the model; a what-if's own overrides are the question
  // it asks and must not be undone (acknowledged_deployment sets Moscow's reputation cost to 0).
  Scratch scratch("variant");
  write_file(scratch.path() / "s.toml",
             "[scenario]\nname = \"s\"\ndescription = \"s\"\nclaims = [\"U01\"]\n\n"
             "[[override]]\npath = \"term.china.sanctions.weight\"\nvalue = -6\nrationale = "
             "\"s\"\nclaims = [\"V26\"]\n");
  ScenarioOptions options;
  options.model_dir = source_dir() + "/model";
  options.model_sets = {"term.china.sanctions.weight=-2", "term.china.leverage.weight=4"};
  const LoadedScenario loaded = load_scenario((scratch.path() / "s.toml").string(), options);
  for (const auto& t : loaded.model.terms) {
    if (t.actor == "china" && t.id == "sanctions") CHECK(t.weight == -6);  // the scenario's
    if (t.actor == "china" && t.id == "leverage") CHECK(t.weight == 4);    // the variant's
  }
  REQUIRE(loaded.scenario.overrides.size() == 3);
  CHECK(loaded.scenario.overrides.front().path == "term.china.sanctions.weight");
  CHECK(loaded.scenario.overrides.front().value == -2);  // recorded first, in the manifest
  options.sets = {"term.china.sanctions.weight=-9"};     // --set still comes last
  for (const auto& t : load_scenario((scratch.path() / "s.toml").string(), options).model.terms)
    if (t.actor == "china" && t.id == "sanctions") CHECK(t.weight == -9);
}

TEST_CASE("extends chains are at most kMaxExtendsDepth levels deep (regression)") {
  // 5,000 files used to overflow the stack after 45 s, with a cost quadratic in the chain length.
  constexpr int depth = limits::kMaxExtendsDepth;
  ScenarioOptions options;
  options.model_dir = source_dir() + "/model";
  {
    Scratch scratch("extends_depth_ok");
    const fs::path leaf = write_extends_chain(scratch.path(), depth + 1);
    const Scenario s = load_scenario(leaf.string(), options).scenario;
    REQUIRE(s.chain.size() == static_cast<std::size_t>(depth + 1));
    CHECK(s.chain.front() ==
          (scratch.path() / ("link_" + std::to_string(depth) + ".toml")).string());
    CHECK(s.chain.back() == leaf.string());
    CHECK(s.name == "link_0");
    CHECK(s.runs == 9);  // inherited from the root
  }
  for (const int files : {depth + 2, 5000}) {
    CAPTURE(files);
    Scratch scratch("extends_depth_bad");
    const fs::path leaf = write_extends_chain(scratch.path(), files);
    try {
      (void)load_scenario(leaf.string(), options);
      FAIL("no error");
    } catch (const InputError& e) {
      // At the `extends` key that would read one level too many.
      CHECK(e.loc().file ==
            (scratch.path() / ("link_" + std::to_string(depth) + ".toml")).string());
      CHECK(e.loc().line == 2);
      CHECK(e.loc().column == 11);
      CHECK(e.message().find("at most " + std::to_string(depth) + " levels of 'extends'") !=
            std::string::npos);
    }
    const auto v =
        run_command(binary() + " validate --model " + options.model_dir + " " + leaf.string());
    CHECK(v.exit_code == 2);
  }
}

TEST_CASE(
    "a child file replaces its parent's shock of the same id, but one file may not repeat one") {
  Scratch scratch("shock_ids");
  const std::string shock =
      "[[shock]]\nid = \"s\"\ndescription = \"d\"\nstep = 2\nadd = { west_pressure_cn = 0.1 "
      "}\nclaims = [\"U42\"]\n";
  write_file(scratch.path() / "parent.toml",
             "[scenario]\nname = \"parent\"\ndescription = \"p\"\nclaims = [\"U01\"]\n\n" + shock);
  write_file(scratch.path() / "child.toml",
             "[scenario]\nextends = \"parent.toml\"\nname = \"child\"\ndescription = "
             "\"c\"\nclaims = [\"U01\"]\n\n" +
                 shock +
                 "\n[[shock]]\nid = \"t\"\ndescription = \"d\"\nstep = 3\nadd = { "
                 "west_pressure_cn = 0.1 }\nclaims = [\"U42\"]\n");
  ScenarioOptions options;
  options.model_dir = source_dir() + "/model";
  const Scenario s = load_scenario((scratch.path() / "child.toml").string(), options).scenario;
  REQUIRE(s.shocks.size() == 2);
  CHECK(s.shocks[0].id == "s");
  CHECK(s.shocks[0].loc.file == (scratch.path() / "child.toml").string());
  CHECK(s.shocks[1].id == "t");
  // The same id twice in the parent alone is an error naming both places.
  write_file(scratch.path() / "parent.toml",
             "[scenario]\nname = \"parent\"\ndescription = \"p\"\nclaims = [\"U01\"]\n\n" + shock +
                 "\n" + shock);
  try {
    (void)load_scenario((scratch.path() / "child.toml").string(), options);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.loc().file == (scratch.path() / "parent.toml").string());
    CHECK(e.loc().line == 14);
    CHECK(e.message().find("duplicate shock id 's' in this file, first at 7:6") !=
          std::string::npos);
  }
}

TEST_CASE("a user's own claims ([[claim]] in a scenario or a --claims file) can be cited") {
  Scratch scratch("claims");
  const fs::path dir = scratch.path();
  const std::string model = source_dir() + "/model";
  write_file(dir / "patient.toml", R"([scenario]
name = "patient"
description = "Beijing waits longer"
claims = ["user:patience"]

[[claim]]
id = "user:patience"
source = "workshop, 2026-11"
paraphrase = "Beijing tolerates the deployment longer than the analyses assume"

[[override]]
path = "term.china.sanctions.weight"
value = -8
rationale = "a patient Beijing weighs the cost of sanctions more"
claims = ["user:patience", "V26"]
)");
  const LoadedScenario ls = load_scenario((dir / "patient.toml").string(), {model, {}, {}, {}});
  CHECK(ls.scenario.claims == Claims{"user:patience"});
  CHECK(ls.model.claims.at("user:patience").find("workshop, 2026-11") != std::string::npos);
  // A child cites its parent's claim; a --claims file serves any scenario.
  write_file(dir / "child.toml", R"([scenario]
name = "child"
extends = "patient.toml"
description = "d"
claims = ["user:patience", "user:shared"]
)");
  write_file(dir / "shared.toml", R"([[claim]]
id = "user:shared"
source = "team notes"
paraphrase = "an assumption the team shares"
)");
  CHECK_THROWS_WITH_AS(load_scenario((dir / "child.toml").string(), {model, {}, {}, {}}),
                       doctest::Contains("claim id 'user:shared' is not listed"), InputError);
  ScenarioOptions with_file{model, {}, {}, {}};
  with_file.claims_files = {(dir / "shared.toml").string()};
  const LoadedScenario child = load_scenario((dir / "child.toml").string(), with_file);
  CHECK(child.scenario.claims == Claims{"user:patience", "user:shared"});
  const bool recorded =
      std::any_of(child.model.files.begin(), child.model.files.end(),
                  [&](const auto& f) { return f.path == with_file.claims_files[0]; });
  CHECK(recorded);  // in the manifest's files, with its SHA-256
  // A --claims file holds claims only; one claim defined twice differently is refused.
  write_file(dir / "other.toml",
             "[[claim]]\nid = \"user:shared\"\nsource = \"s\"\nparaphrase = \"p\"\n");
  with_file.claims_files.push_back((dir / "other.toml").string());
  CHECK_THROWS_WITH_AS(load_scenario((dir / "child.toml").string(), with_file),
                       doctest::Contains("is defined twice, differently"), InputError);
}
