#include <doctest/doctest.h>

#include "model/load.hpp"
#include "model/params.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

namespace {
Override ov(const std::string& path, double value) {
  Override o;
  o.path = path;
  o.value = value;
  o.loc = SourceLoc{"scenario.toml", 12, 9};
  o.path_loc = SourceLoc{"scenario.toml", 11, 8};
  return o;
}
}  // namespace

TEST_CASE("overrides change the spec by path, unknown paths and bad values are errors") {
  ModelSpec spec = load_model(mini_dir() + "/model");
  apply_overrides(spec,
                  {ov("term.alpha.t2.weight", 0.3), ov("variable.b.persistence", 0.25),
                   ov("rule.r_demand.demand.level", 1), ov("leverage.alpha.damping.push", 0.2)});
  CHECK(spec.terms[1].weight == 0.3);
  CHECK(spec.find_variable("b")->persistence == 0.25);
  CHECK(spec.leverage[0].damping[0].second == 0.2);
  CHECK(*parameter_slots(spec).at("effect.alpha.move.push.a").number == doctest::Approx(0.1));

  CHECK_THROWS_WITH_AS(
      apply_overrides(spec, {ov("term.alpha.t9.weight", 1)}),
      doctest::Contains(
          "unknown parameter path 'term.alpha.t9.weight' (did you mean 'term.alpha.t1.weight'?)"),
      InputError);
  CHECK_THROWS_WITH_AS(apply_overrides(spec, {ov("rule.r_flag.probability", 1.5)}),
                       doctest::Contains("outside [0, 1]"), InputError);
  CHECK_THROWS_WITH_AS(apply_overrides(spec, {ov("actor.alpha.horizon", 1.5)}),
                       doctest::Contains("takes a whole number"), InputError);
  CHECK_THROWS_WITH_AS(apply_overrides(spec, {ov("rule.r_demand.demand.level", 2)}),
                       doctest::Contains("is outside [1, 1]"), InputError);  // alpha.move's top
  try {
    apply_overrides(spec, {ov("variable.a.initial", 3)});
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.loc().line == 12);  // a constraint broken by an override points at the override
    CHECK(e.message() == "value 3 for 'variable.a.initial' is outside its [min, max] = [0, 1]");
  }
  try {
    apply_overrides(spec, {ov("nope", 1)});
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.loc().line == 11);  // an unknown path points at the path
    CHECK(e.loc().column == 8);
  }
  try {
    apply_overrides(spec, {ov("variable.a.noise", -1)});
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.loc().line == 12);  // a bad value points at the value
    CHECK(std::string(e.what()).find("value -1 for 'variable.a.noise' is outside [0, 1e+09]") !=
          std::string::npos);
  }
}

TEST_CASE("views are override sets looked up by name") {
  ModelSpec spec = load_model(mini_dir() + "/model");
  const View& v = find_view(spec, "free", {});
  apply_overrides(spec, v.overrides);
  CHECK(spec.terms[1].weight == 0.0);
  CHECK_THROWS_WITH_AS(find_view(spec, "dove", {}),
                       doctest::Contains("unknown analyst view 'dove' (known: free)"), InputError);
}
