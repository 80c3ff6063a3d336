// End-to-end: the stancesim binary on the project's baseline and on bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/sha256.hpp"
#include "model/load.hpp"
#include "model/params.hpp"
#include "support.hpp"

using namespace stancesim::test;

TEST_CASE(
    "run on the baseline writes every file, with headers, row counts and thread-independent "
    "bytes") {
  Scratch scratch("cli");
  const std::string base = binary() + " run " + source_dir() +
                           "/scenarios/baseline.toml --runs 40 --seed 3 --explain --explain-runs 2";
  const auto one = run_command(base + " --threads 1 --out " + (scratch.path() / "one").string());
  REQUIRE(one.exit_code == 0);
  const auto two = run_command(base + " --threads 2 --out " + (scratch.path() / "two").string());
  REQUIRE(two.exit_code == 0);
  for (const char* name : {"decisions.csv", "state.csv", "events.csv", "utilities.csv",
                           "outcomes.csv", "summary.csv"}) {
    const std::string file_name = name;
    CAPTURE(file_name);
    const std::string a = read_file(scratch.path() / "one" / name),
                      b = read_file(scratch.path() / "two" / name);
    CHECK(!a.empty());
    CHECK(a == b);
  }
  const auto decisions = lines(read_file(scratch.path() / "one" / "decisions.csv"));
  CHECK(decisions[0] == "scenario,run,step,date,actor,track,option,level,probability");
  CHECK(decisions.size() == 1 + 40 * 26 * 8);  // runs x steps x (3 + 3 + 2 tracks)
  const auto state = lines(read_file(scratch.path() / "one" / "state.csv"));
  CHECK(state[0].rfind("scenario,run,step,date,nk_troops_k,nk_theatre,", 0) == 0);
  CHECK(state[0].find(",escalation_index,") != std::string::npos);
  CHECK(state.size() == 1 + 40 * 27);
  CHECK(lines(read_file(scratch.path() / "one" / "events.csv"))[0] ==
        "scenario,run,step,date,rule,actor,detail,claims");
  const auto utilities = lines(read_file(scratch.path() / "one" / "utilities.csv"));
  CHECK(utilities[0] == "scenario,run,step,actor,track,option,priority,value,probability");
  CHECK(utilities.back().rfind("baseline,1,26,north_korea,peninsula,nuclear_test,", 0) ==
        0);  // two runs explained
  // Per track, the options' probabilities given the other tracks sum to one (each option's
  // rows repeat its probability once per priority). A priority is written for a track and week
  // only where it separates the options: then for every option, and not all equal.
  std::map<std::string, std::map<std::string, std::string>> by_priority;  // -> option -> value
  std::map<std::string, double> probability;                              // option -> probability
  for (std::size_t i = 1; i < utilities.size(); ++i) {
    std::vector<std::string> cell;
    std::stringstream row(utilities[i]);
    for (std::string c; std::getline(row, c, ',');) cell.push_back(c);
    REQUIRE(cell.size() == 9);
    by_priority[cell[1] + "," + cell[2] + "," + cell[3] + "," + cell[4] + "," + cell[6]][cell[5]] =
        cell[7];
    if (cell[1] == "0" && cell[2] == "5" && cell[3] == "china" && cell[4] == "dprk")
      probability[cell[5]] = std::stod(cell[8]);
  }
  CHECK(probability.size() == 7);
  double dprk = 0;
  for (const auto& [option, p] : probability) dprk += p;
  CHECK(dprk == doctest::Approx(1.0).epsilon(0.001));
  for (const auto& [key, values] : by_priority) {
    CAPTURE(key);
    std::set<std::string> distinct;
    for (const auto& [option, v] : values) distinct.insert(v);
    CHECK(distinct.size() >= 2);
    if (key.rfind("0,5,china,dprk,", 0) == 0) CHECK(values.size() == 7);
  }
  const auto summary = lines(read_file(scratch.path() / "one" / "summary.csv"));
  CHECK(summary[0] == "scenario,metric,n,mean,sd,p05,p25,p50,p75,p95");
  CHECK(read_file(scratch.path() / "one" / "summary.csv")
            .find("baseline,mean_level_china_dprk,40,") != std::string::npos);
  CHECK(read_file(scratch.path() / "one" / "summary.csv").find("baseline,switch_share_china,40,") !=
        std::string::npos);
  CHECK(lines(read_file(scratch.path() / "one" / "outcomes.csv")).size() == 41);
  // The manifest: every file read with its SHA-256 (paths relative to the current directory, the
  // source folder), every file written with its rows and SHA-256.
  const auto manifest =
      nlohmann::ordered_json::parse(read_file(scratch.path() / "one" / "manifest.json"));
  CHECK(manifest["seed"] == 3);
  const std::string claims = manifest["files"][0]["path"];
  CHECK(claims.size() >= 16);
  CHECK(claims.compare(claims.size() - 16, 16, "model/claims.csv") == 0);
  for (const auto& f : manifest["files"]) {
    const fs::path path = f["path"].get<std::string>();
    CHECK(path == path.lexically_normal());
    CHECK(f["sha256"] == stancesim::sha256_file(path.string()));
  }
  std::vector<std::string> written;
  for (const auto& o : manifest["outputs"]) {
    const fs::path file = scratch.path() / "one" / o["path"].get<std::string>();
    written.push_back(o["path"]);
    CHECK(o["rows"] == lines(read_file(file)).size() - 1);
    CHECK(o["sha256"] == stancesim::sha256_file(file.string()));
  }
  std::vector<std::string> csv_files;  // what the folder holds besides the manifest
  for (const auto& e : fs::directory_iterator(scratch.path() / "one"))
    if (e.path().filename() != "manifest.json") csv_files.push_back(e.path().filename().string());
  std::sort(written.begin(), written.end());
  std::sort(csv_files.begin(), csv_files.end());
  CHECK(written == csv_files);
  CHECK(written.size() >= 6);
  CHECK(one.output.find("China level to DPRK") != std::string::npos);  // the headline table
}

TEST_CASE(
    "outcomes_long.csv holds outcomes.csv one number per row and metrics.csv spells out each "
    "metric") {
  Scratch scratch("long");
  const fs::path dir = scratch.path() / "r";
  REQUIRE(run_command(binary() + " run " + source_dir() +
                      "/scenarios/baseline.toml --runs 4 --seed 2 --outputs outcomes,outcomes_long "
                      "--quiet --out " +
                      dir.string())
              .exit_code == 0);
  const auto wide = lines(read_file(dir / "outcomes.csv"));
  const auto longer = lines(read_file(dir / "outcomes_long.csv"));
  const auto metrics = lines(read_file(dir / "metrics.csv"));
  REQUIRE(wide.size() == 5);
  CHECK(longer[0] == "scenario,run,metric,value");
  CHECK(metrics[0] == "metric,statistic,actor,track,option,level,of,unit,description");
  auto split = [](const std::string& row) {
    std::vector<std::string> cells;
    std::stringstream in(row);
    for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
    return cells;
  };
  const auto names = split(wide[0]);
  const std::size_t m = names.size() - 2;
  REQUIRE(metrics.size() == m + 1);
  REQUIRE(longer.size() == 4 * m + 1);
  for (std::size_t run = 0; run < 4; ++run) {
    const auto cells = split(wide[run + 1]);
    for (std::size_t k = 0; k < m; ++k) {
      CAPTURE(names[k + 2]);
      CHECK(longer[1 + run * m + k] ==
            "baseline," + std::to_string(run) + "," + names[k + 2] + "," + cells[k + 2]);
      CHECK(metrics[k + 1].rfind(names[k + 2] + ",", 0) == 0);  // in the same order
    }
  }
  CHECK(std::find(metrics.begin(), metrics.end(),
                  "share_china_dprk_silence,share,china,dprk,silence,0,,share of weeks,share of "
                  "weeks of the run at silence on china's dprk track") != metrics.end());
  // Neither is in `all`'s five; metrics.csv comes with any file of outcome metrics.
  const fs::path plain = scratch.path() / "plain";
  REQUIRE(run_command(binary() + " run " + source_dir() +
                      "/scenarios/baseline.toml --runs 2 --outputs decisions --quiet --out " +
                      plain.string())
              .exit_code == 0);
  CHECK(!fs::exists(plain / "metrics.csv"));
  CHECK(!fs::exists(plain / "outcomes_long.csv"));
}

TEST_CASE("run refuses an existing folder without --force and leaves it untouched") {
  Scratch scratch("cli");
  const std::string out = (scratch.path() / "res").string();
  fs::create_directories(out);
  write_file(fs::path(out) / "keep.txt", "mine");
  const std::string cmd =
      binary() + " run " + source_dir() + "/scenarios/baseline.toml --runs 2 --out " + out;
  const auto refused = run_command(cmd);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("output folder exists") != std::string::npos);
  CHECK(read_file(fs::path(out) / "keep.txt") == "mine");
  // --force replaces result folders only: this one is someone else's.
  CHECK(run_command(cmd + " --force").exit_code == 2);
  CHECK(read_file(fs::path(out) / "keep.txt") == "mine");
  fs::remove(fs::path(out) / "keep.txt");
  CHECK(run_command(cmd).exit_code == 2);
  CHECK(run_command(cmd + " --force").exit_code == 0);  // an empty folder may be filled
  CHECK(fs::exists(fs::path(out) / "state.csv"));
  CHECK(run_command(cmd + " --force --seed 9").exit_code == 0);  // and a result replaced
  CHECK(read_file(fs::path(out) / "manifest.json").find("\"seed\": 9,") != std::string::npos);
}

TEST_CASE("bad input exits 2 with file:line:col and writes nothing") {
  Scratch scratch("cli");
  copy_mini(scratch.path());
  replace_line(scratch.path() / "model" / "state.toml", 7, "initial = \"half\"");
  const std::string out = (scratch.path() / "res").string();
  const auto r =
      run_command(binary() + " run " + (scratch.path() / "scenarios" / "plain.toml").string() +
                  " --out " + out);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(
            "state.toml:7:11: 'initial' in [[variable]] 'a': expected a number, found a string") !=
        std::string::npos);
  CHECK(!fs::exists(out));
  const auto usage =
      run_command(binary() + " run " + source_dir() + "/scenarios/baseline.toml --runs 0");
  CHECK(usage.exit_code == 2);
  CHECK(run_command(binary() + " frobnicate").exit_code == 2);
  const auto short_horizon =
      run_command(binary() + " run " + source_dir() +
                  "/scenarios/china_punishes_nk.toml --steps 3 --out " + out);
  CHECK(short_horizon.exit_code == 2);
  CHECK(short_horizon.output.find(
            "china_punishes_nk.toml:13:9: pin on 'china.dprk' acts beyond --steps 3") !=
        std::string::npos);
  CHECK(run_command(binary() + " run " + source_dir() + "/scenarios/baseline.toml --bogus")
            .exit_code == 2);
  // An abbreviated option is unknown, not guessed (`--run` once acted as `--runs`).
  const auto guessed = run_command(binary() + " run " + source_dir() +
                                   "/scenarios/baseline.toml --run 10 --out " + out);
  CHECK(guessed.exit_code == 2);
  CHECK(guessed.output.find("unrecognised option '--run'") != std::string::npos);
  // Limits (src/core/limits.hpp): refused before any work, whatever the command.
  const std::string baseline = source_dir() + "/scenarios/baseline.toml ";
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"run " + baseline + "--runs 2147483647", "--runs: expected 1 to 10000000 runs"},
           {"run " + baseline + "--runs 10000000 --steps 520", "more than the limit of 2000000000"},
           {"run " + baseline + "--threads 300", "--threads: expected 1 to 256"},
           {"run " + baseline + "--seed -1", "--seed: expected 0 to 2147483647"},
           {"compare " + baseline + baseline + "--runs 0", "--runs: expected 1 to"},
           {"check --runs 1", "--runs: expected 2 to"},
           {"bench --runs 20000000", "--runs: expected 1 to 10000000"}}) {
    CAPTURE(args);
    const auto limited = run_command(binary() + " " + args + " --out " + out);
    CHECK(limited.exit_code == 2);
    CHECK(limited.output.find(message) != std::string::npos);
  }
  CHECK(!fs::exists(out));
}

#ifndef STANCESIM_SANITIZED  // the sanitizers' own bookkeeping grows with every allocation
TEST_CASE("memory does not grow with the number of runs (the README's promise)") {
  Scratch scratch("cli");
  auto peak_mb = [&](int runs, const std::string& outputs) {
    const auto r =
        run_command(binary() + " run " + mini_dir() + "/scenarios/plain.toml --runs " +
                    std::to_string(runs) + " --threads 2 --outputs " + outputs + " --out " +
                    (scratch.path() / std::to_string(runs)).string() + " --force");
    REQUIRE(r.exit_code == 0);
    const auto at = r.output.find("peak memory ");
    REQUIRE(at != std::string::npos);
    return std::stod(r.output.substr(at + 12));
  };
  // Beyond 65,536 runs the summary streams its spilled columns (radix selection, a fixed 4 MB of
  // histograms): from there on, three times the runs may cost only the allocator's noise. Keeping
  // as little as 4 doubles per run would add 5 MB over the 160,000 extra runs; 1 MB of noise
  // (buffer capacities set by the largest run so far, arena timing) was seen on a loaded machine.
  // The printed peak is rounded to whole MB.
  CHECK(peak_mb(2000, "summary") < 40);
  for (const std::string outputs : {"summary", "all"}) {
    CAPTURE(outputs);
    const double small = peak_mb(80000, outputs), large = peak_mb(240000, outputs);
    CHECK(large - small < 4);
  }
}
#endif

TEST_CASE("list names what files can use: every parameter path with its range, as CSV") {
  const std::string list = binary() + " list ";
  const std::string model = " --model " + source_dir() + "/model";
  const auto csv = run_command(list + "parameters --format csv" + model);
  REQUIRE(csv.exit_code == 0);
  const auto rows = lines(csv.output);
  REQUIRE(!rows.empty());
  CHECK(rows[0] == "path,value,low,high,whole_number,file,line");
  stancesim::ModelSpec spec = stancesim::load_model(source_dir() + "/model");
  CHECK(rows.size() == stancesim::parameter_slots(spec).size() + 1);
  bool found = false;
  for (const auto& r : rows)
    if (r.rfind("term.china.no_nukes.weight,", 0) == 0) {
      found = true;
      CHECK(std::count(r.begin(), r.end(), ',') == 6);
    }
  CHECK(found);
  for (const char* what : {"variables", "options", "views", "claims"}) {
    CAPTURE(what);
    const auto r = run_command(list + what + model);
    CHECK(r.exit_code == 0);
    CHECK(lines(r.output).size() > 2);
  }
  const auto scenarios = run_command(list + "scenarios --format csv" + model + " --scenarios " +
                                     source_dir() + "/scenarios");
  CHECK(scenarios.exit_code == 0);
  CHECK(scenarios.output.find("\nbaseline,") != std::string::npos);
  const auto unknown = run_command(list + "option" + model);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("did you mean 'options'?") != std::string::npos);
  CHECK(unknown.output.find("variables, options, parameters, metrics, views, claims, scenarios") !=
        std::string::npos);
  // Every outcome metric once, in the order of outcomes.csv, with its parts.
  const auto metrics = run_command(list + "metrics --format csv" + model);
  CHECK(metrics.exit_code == 0);
  const auto metric_rows = lines(metrics.output);
  REQUIRE(metric_rows.size() > 10);
  CHECK(metric_rows[0] == "metric,statistic,actor,track,option,level,of,unit,description");
  CHECK(std::count_if(metric_rows.begin(), metric_rows.end(), [](const std::string& r) {
          return r.rfind("ever_china_dprk_level_ge_4,ever_level_ge,china,dprk,,4,,", 0) == 0;
        }) == 1);
  const auto help = run_command(binary() + " help run");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--runs") != std::string::npos);
  CHECK(help.output.find("exit codes") != std::string::npos);
  const auto typo = run_command(binary() + " lst");
  CHECK(typo.exit_code == 2);
  CHECK(typo.output.find("did you mean 'list'?") != std::string::npos);
}
