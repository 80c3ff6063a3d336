#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "analysis/compare.hpp"
#include "core/error.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE("paired differences: t-interval of the per-run differences") {
  // Differences 1, 2, 3, 4, 5: mean 3, sd 1.5811, se 0.7071, t(0.975, 4) = 2.776445.
  const std::vector<double> ref = {10, 20, 30, 40, 50}, sc = {11, 22, 33, 44, 55};
  const Difference d = paired_difference(ref, sc);
  CHECK(d.n == 5);
  CHECK(d.mean_reference == 30);
  CHECK(d.mean_scenario == 33);
  CHECK(d.difference == 3);
  CHECK(d.ci_low == doctest::Approx(3 - 2.776445 * 0.7071068).epsilon(1e-6));
  CHECK(d.ci_high == doctest::Approx(3 + 2.776445 * 0.7071068).epsilon(1e-6));
  CHECK(d.p_value == doctest::Approx(0.01324).epsilon(0.01));  // t = 4.243 on 4 df
}

TEST_CASE("pairing removes the variation the two ensembles share") {
  const std::vector<double> ref = {10, 20, 30, 40, 50}, sc = {11, 22, 33, 44, 55};
  const Difference paired = paired_difference(ref, sc), welch = welch_difference(ref, sc);
  CHECK(welch.difference == paired.difference);
  CHECK(welch.ci_high - welch.ci_low > 10 * (paired.ci_high - paired.ci_low));
  CHECK(welch.p_value > 0.5);
}

TEST_CASE("identical runs give an exact zero difference with p = 1") {
  const std::vector<double> v = {0, 1, 1, 0};
  const Difference d = paired_difference(v, v);
  CHECK(d.difference == 0);
  CHECK(d.ci_low == 0);
  CHECK(d.ci_high == 0);
  CHECK(d.p_value == 1);
}

TEST_CASE("compare runs scenarios with common random numbers and reads result folders back") {
  Scratch scratch("compare");
  const std::string out = (scratch.path() / "cmp").string();
  const auto r =
      run_command(binary() + " compare " + source_dir() + "/scenarios/baseline.toml " +
                  source_dir() + "/scenarios/nk_into_ukraine.toml " + source_dir() +
                  "/scenarios/us_china_summit_pressure.toml --runs 30 --seed 5 --out " + out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("China level to DPRK") != std::string::npos);
  const auto rows = lines(read_file(fs::path(out) / "compare.csv"));
  CHECK(rows[0] ==
        "reference,scenario,metric,n_pairs,mean_reference,mean_scenario,difference,ci_low,ci_high,"
        "p_value");
  const auto summary = lines(read_file(fs::path(out) / "baseline" / "summary.csv"));
  CHECK(rows.size() == 1 + 2 * (summary.size() - 1));  // every summary metric, per scenario
  for (const char* name : {"baseline", "nk_into_ukraine", "us_china_summit_pressure"})
    CHECK(fs::exists(fs::path(out) / name / "outcomes.csv"));
  // The summit shock changes no trade-off of China's (the file documents the expected null,
  // L13): with common random numbers its choices are the baseline's, run for run.
  bool found = false;
  for (const auto& row : rows)
    if (row.rfind("baseline,us_china_summit_pressure,mean_level_china_dprk,30,", 0) == 0) {
      found = true;
      CHECK(row.find(",0.0000,0.0000,0.0000,1.000e+00") != std::string::npos);
    }
  CHECK(found);

  // The same folders compared again from disk give the same file.
  const std::string again = (scratch.path() / "again").string();
  const auto from_disk =
      run_command(binary() + " compare --results " + out + "/baseline " + out +
                  "/nk_into_ukraine " + out + "/us_china_summit_pressure --out " + again);
  REQUIRE(from_disk.exit_code == 0);
  CHECK(read_file(fs::path(again) / "compare.csv") == read_file(fs::path(out) / "compare.csv"));

  // Folders that cannot be paired are refused.
  const std::string other = (scratch.path() / "other").string();
  REQUIRE(run_command(binary() + " run " + source_dir() +
                      "/scenarios/nk_nuclear_test.toml --runs 30 --seed 6 --out " + other)
              .exit_code == 0);
  const auto refused = run_command(binary() + " compare --results " + out + "/baseline " + other +
                                   " --out " + (scratch.path() / "x").string());
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("cannot pair " + other + " (seed 6, 30 runs) with " + out +
                            "/baseline (seed 5, 30 runs)") != std::string::npos);
  CHECK(run_command(binary() + " compare --results " + out + "/baseline " + other +
                    " --unpaired --out " + (scratch.path() / "y").string())
            .exit_code == 0);
}

TEST_CASE("compare --results refuses malformed result folders at file:line:col") {
  Scratch scratch("compare_bad");
  const fs::path good = scratch.path() / "good";
  REQUIRE(run_command(binary() + " run " + source_dir() +
                      "/scenarios/baseline.toml --runs 3 --seed 4 --out " + good.string())
              .exit_code == 0);
  const std::string outcomes = read_file(good / "outcomes.csv");
  const std::string manifest = read_file(good / "manifest.json");
  const auto rows = lines(outcomes);
  struct Case {
    const char* what;
    std::string outcomes, manifest, expected;
  };
  auto with_cell = [&](const std::string& cell) {  // row 3 (run 1), last cell replaced
    std::string text;
    for (std::size_t i = 0; i < rows.size(); ++i)
      text += (i == 2 ? rows[i].substr(0, rows[i].rfind(',') + 1) + cell : rows[i]) + "\n";
    return text;
  };
  auto seed = [&](const std::string& v) {
    const auto at = manifest.find("\"seed\": ") + 8;
    return manifest.substr(0, at) + v + manifest.substr(manifest.find(',', at));
  };
  auto without_last_cells = [&](int n) {  // the last row cut before its last n cells
    std::size_t at = outcomes.size() - 1;
    for (int i = 0; i < n; ++i) at = outcomes.rfind(',', at - 1);
    return outcomes.substr(0, at) + "\n";
  };
  const std::string last_col = std::to_string(rows[2].rfind(',') + 2);
  const std::vector<Case> cases = {
      {"a word", with_cell("abc"), manifest,
       "outcomes.csv:3:" + last_col + ": expected a finite number, found 'abc'"},
      {"overflow", with_cell("1e999"), manifest, "expected a finite number, found '1e999'"},
      {"empty cell", with_cell(""), manifest, "expected a finite number, found ''"},
      {"trailing text", with_cell("1.5x"), manifest, "found '1.5x'"},
      {"truncated row", without_last_cells(3), manifest, "outcomes.csv:4:1: expected"},
      {"missing row", rows[0] + "\n" + rows[1] + "\n" + rows[2] + "\n", manifest,
       "outcomes.csv:4:1: 2 runs in outcomes.csv but 3 in manifest.json"},
      {"extra row", outcomes + rows[3] + "\n", manifest, "outcomes.csv:5:1: more runs than the 3"},
      {"negative seed", outcomes, seed("-1"), "'seed': expected a whole number in [0, 2147483647]"},
      {"huge seed", outcomes, seed("18446744073709551615"), "'seed': expected a whole number"},
      {"fractional seed", outcomes, seed("1.5"), "'seed': expected a whole number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const fs::path bad = scratch.path() / "bad";
    fs::remove_all(bad);
    fs::create_directories(bad);
    write_file(bad / "outcomes.csv", c.outcomes);
    write_file(bad / "manifest.json", c.manifest);
    const auto r =
        run_command(binary() + " compare --results " + good.string() + " " + bad.string() +
                    " --unpaired --out " + (scratch.path() / "cmp").string());
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.expected) != std::string::npos);
    CHECK(!fs::exists(scratch.path() / "cmp" / "compare.csv"));
  }
}

TEST_CASE("compare: a reference with no scenario differences prints its means") {
  Scratch scratch("compare_means");
  const fs::path out = scratch.path() / "one";
  const auto r = run_command(binary() + " run " + source_dir() +
                             "/scenarios/baseline.toml --runs 5 --seed 2 --outputs summary --out " +
                             out.string());
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("baseline (5 runs, seed 2): means over runs") != std::string::npos);
  CHECK(fs::exists(out / "summary.csv"));
  CHECK(!fs::exists(out / "decisions.csv"));
  CHECK(!fs::exists(out / "outcomes.csv"));
  const auto manifest = nlohmann::ordered_json::parse(read_file(out / "manifest.json"));
  REQUIRE(manifest["outputs"].size() == 2);  // and the metrics' dictionary
  CHECK(manifest["outputs"][0]["path"] == "summary.csv");
  CHECK(manifest["outputs"][1]["path"] == "metrics.csv");
  const auto bad = run_command(binary() + " run " + source_dir() +
                               "/scenarios/baseline.toml --outputs summary,outcome --out " +
                               (scratch.path() / "two").string());
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("unknown output 'outcome'") != std::string::npos);
}

TEST_CASE("compare.csv writes small p-values in scientific notation, not as 0.0000") {
  Comparison c;
  c.reference.scenario = "a";
  c.metrics = {"m"};
  Comparison::Scenario sc;
  sc.info.scenario = "b";
  sc.has = {true};
  Difference d;
  d.n = 30;
  d.difference = 1;
  d.p_value = 3.12468e-9;
  sc.differences = {d};
  c.scenarios = {sc};
  const std::string csv = compare_csv(c);
  CHECK(csv.find(",3.125e-09\n") != std::string::npos);
}
