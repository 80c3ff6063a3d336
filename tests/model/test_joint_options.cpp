// An actor decides over joint options, one option per track: their number is the product of its
// tracks' option counts and is bounded (limits::kMaxJointOptions) when the model loads, so that
// `stancesim validate` refuses a model that would overflow or never finish compiling.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/limits.hpp"
#include "engine/compiled.hpp"
#include "model/load.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
// The [[actor]] line of the deciding actor beta in the mini model's actors.toml.
constexpr int kBetaLine = 21;

// Copies the mini model and scenarios into `dir` and gives beta (one track of 2 options) `tracks`
// more tracks of `options` options each.
void mini_with_tracks(const fs::path& dir, int tracks, int options) {
  copy_mini(dir);
  const fs::path file = dir / "model" / "actors.toml";
  std::string extra;
  for (int t = 0; t < tracks; ++t) {
    extra += "[[actor.track]]\nid = \"x" + std::to_string(t) +
             "\"\ninitial = \"o0\"\nclaims = [\"C1\"]\noptions = [\n";
    for (int o = 0; o < options; ++o)
      extra += "  { id = \"o" + std::to_string(o) + "\", level = " + std::to_string(o % 10) +
               ", class = \"calm\", cameo = \"none\", goldstein = 0, kahn = 0, target = "
               "\"alpha\", escalatory = false },\n";
    extra += "]\n\n";
  }
  std::string text = read_file(file);
  const std::string gamma = "[[actor]]\nid = \"gamma\"";
  REQUIRE(text.find(gamma) != std::string::npos);
  text.insert(text.find(gamma), extra);
  write_file(file, text);
}

std::string load_error(const fs::path& dir) {
  try {
    (void)load_model((dir / "model").string());
  } catch (const InputError& e) {
    CHECK(e.loc().file == (dir / "model" / "actors.toml").string());
    CHECK(e.loc().line == kBetaLine);
    CHECK(e.loc().column == 1);
    return e.message();
  }
  return "no error";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("the shipped model's actors are well within kMaxJointOptions") {
  const ModelSpec spec = load_model(source_dir() + "/model");
  for (const Actor& a : spec.actors) {
    long long joint = 1;
    for (const Track& t : a.tracks) joint *= static_cast<long long>(t.options.size());
    CAPTURE(a.id);
    CHECK(joint * 16 <= limits::kMaxJointOptions);  // China: 7 x 6 x 2 = 84
  }
}

TEST_CASE("more than kMaxJointOptions joint options are refused at load (regression)") {
  const std::string limit = std::to_string(limits::kMaxJointOptions);
  SUBCASE("at the limit it loads and compiles") {
    // 2 x 2^11 = 4096 joint options.
    Scratch scratch("joint_at_limit");
    mini_with_tracks(scratch.path(), 11, 2);
    const LoadedScenario loaded =
        load_scenario((scratch.path() / "scenarios" / "plain.toml").string(), {});
    const CompiledModel model = compile(loaded.model, loaded.scenario);
    CHECK(model.actors[1].n_joint == limits::kMaxJointOptions);
  }
  struct Case {
    int tracks, options;
    const char* counts;  // as the message lists them
  };
  const Case cases[] = {
      {12, 2, "act 2, x0 2, x1 2, x2 2, x3 2, x4 2, x5 2, x6 2, x7 2, x8 2, x9 2, x10 2, x11 2"},
      {4, 10, "act 2, x0 10, x1 10, x2 10, x3 10"},  // 20,000
      {6, 10, "act 2, x0 10, x1 10"},                // 2e7: used to hang
      {12, 10, "act 2, x0 10"},                      // 2e12: used to overflow int
      {40, 10, "x14 10, ... (41 tracks)"},           // 2e40: would overflow 64 bits
  };
  for (const auto& c : cases) {
    CAPTURE(c.tracks);
    CAPTURE(c.options);
    Scratch scratch("joint_over_limit");
    mini_with_tracks(scratch.path(), c.tracks, c.options);
    const std::string message = load_error(scratch.path());
    CAPTURE(message);
    CHECK(contains(message, "actor 'beta'"));
    CHECK(contains(message, "more than " + limit + " joint options"));
    CHECK(contains(message, c.counts));
    const auto v = run_command(binary() + " validate " +
                               (scratch.path() / "scenarios" / "plain.toml").string());
    CHECK(v.exit_code == 2);
    CHECK(contains(v.output, (scratch.path() / "model" / "actors.toml").string() + ":" +
                                 std::to_string(kBetaLine) + ":1: "));
  }
}

TEST_CASE("compiling a model built in code also refuses too many joint options") {
  Scratch scratch("joint_compile");
  copy_mini(scratch.path());
  LoadedScenario loaded = load_scenario((scratch.path() / "scenarios" / "plain.toml").string(), {});
  Actor& beta = *std::find_if(loaded.model.actors.begin(), loaded.model.actors.end(),
                              [](const Actor& a) { return a.id == "beta"; });
  Track wide = beta.tracks[0];
  const Option first = wide.options[0];
  wide.options.clear();
  for (int o = 0; o < 10; ++o) {
    wide.options.push_back(first);
    wide.options.back().id = "o" + std::to_string(o);
  }
  wide.initial = "o0";
  for (const int tracks : {4, 40}) {  // 2 x 10^4 and 2 x 10^40 joint options
    CAPTURE(tracks);
    beta.tracks.resize(1);
    for (int t = 0; t < tracks; ++t) {
      wide.id = "x" + std::to_string(t);
      beta.tracks.push_back(wide);
    }
    try {
      (void)compile(loaded.model, loaded.scenario);
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK(e.loc().line == kBetaLine);
      CHECK(contains(e.message(), "actor 'beta'"));
      CHECK(contains(e.message(),
                     "more than " + std::to_string(limits::kMaxJointOptions) + " joint options"));
    }
  }
}
