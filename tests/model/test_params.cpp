#include <doctest/doctest.h>

#include "model/load.hpp"
#include "model/params.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE("overrides change the spec by path, unknown paths and bad values are errors") {
  ModelSpec spec = load_model(mini_dir() + "/model");
  const SourceLoc at{"scenario.toml", 12, 9};
  apply_overrides(spec, {{"term.alpha.t2.weight", 0.3, "", {}, at},
                         {"variable.b.persistence", 0.25, "", {}, at},
                         {"rule.r_demand.demand.level", 1, "", {}, at},
                         {"leverage.alpha.damping.push", 0.2, "", {}, at}});
  CHECK(spec.terms[1].weight == 0.3);
  CHECK(spec.find_variable("b")->persistence == 0.25);
  CHECK(spec.leverage[0].damping[0].second == 0.2);
  CHECK(get_parameter(spec, "effect.alpha.move.push.a", at) == doctest::Approx(0.1));

  CHECK_THROWS_WITH_AS(
      apply_overrides(spec, {{"term.alpha.t9.weight", 1, "", {}, at}}),
      doctest::Contains(
          "unknown parameter path 'term.alpha.t9.weight' (known paths here: term.alpha.t1"),
      InputError);
  CHECK_THROWS_WITH_AS(apply_overrides(spec, {{"rule.r_flag.probability", 1.5, "", {}, at}}),
                       doctest::Contains("outside [0, 1]"), InputError);
  CHECK_THROWS_WITH_AS(apply_overrides(spec, {{"rule.r_demand.demand.level", 1.5, "", {}, at}}),
                       doctest::Contains("takes a whole number"), InputError);
  CHECK_THROWS_WITH_AS(apply_overrides(spec, {{"variable.a.initial", 3, "", {}, at}}),
                       doctest::Contains("initial value outside [min, max]"), InputError);
  try {
    apply_overrides(spec, {{"nope", 1, "", {}, at}});
  } catch (const InputError& e) {
    CHECK(e.loc().line == 12);
    CHECK(e.loc().column == 9);
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
