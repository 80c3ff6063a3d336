// The manifests of compare and check (docs/outputs.md): keys, the scenarios and inputs they name,
// every output with rows and SHA-256 that match the files, normalised paths; and damaged
// manifests refused at file:line:col with exit code 2.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/sha256.hpp"
#include "support.hpp"

using namespace stancesim::test;
using Json = nlohmann::ordered_json;

namespace {

Json manifest_of(const fs::path& dir) {
  return Json::parse(read_file(dir / "manifest.json"));
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& [key, value] : j.items()) out.push_back(key);
  return out;
}

// Every entry of "outputs" names a file of `dir` with its rows (lines after the header) and
// SHA-256; returns the paths.
std::vector<std::string> check_outputs(const Json& manifest, const fs::path& dir) {
  std::vector<std::string> paths;
  for (const auto& o : manifest.at("outputs")) {
    const std::string path = o.at("path");
    CAPTURE(path);
    paths.push_back(path);
    const std::string text = read_file(dir / path);
    REQUIRE(!text.empty());
    CHECK(o.at("rows") == lines(text).size() - 1);
    CHECK(o.at("sha256") == stancesim::sha256_file((dir / path).string()));
  }
  return paths;
}

// Every entry of "files" is a lexically normal path (relative to the current folder, the source
// folder, or absolute) with the file's SHA-256.
void check_inputs(const Json& manifest) {
  for (const auto& f : manifest.at("files")) {
    const fs::path path = f.at("path").get<std::string>();
    CAPTURE(path);
    CHECK(path == path.lexically_normal());
    CHECK(path.string().find("..") == std::string::npos);
    CHECK(f.at("sha256") == stancesim::sha256_file(path.string()));
  }
}

bool lists(const Json& list, const std::string& path) {
  for (const auto& f : list)
    if (f.at("path") == path) return true;
  return false;
}

}  // namespace

TEST_CASE("compare writes a manifest beside compare.csv with its scenarios and every file") {
  Scratch scratch("manifests");
  const fs::path out = scratch.path() / "cmp";
  // A path with ".." is recorded lexically normal.
  const auto r = run_command(binary() + " compare " + source_dir() + "/scenarios/baseline.toml " +
                             source_dir() +
                             "/model/../scenarios/nk_nuclear_test.toml --runs 4 --seed 7 "
                             "--explain --explain-runs 1 --quiet --out " +
                             out.string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const Json m = manifest_of(out);
  CHECK(keys(m) == std::vector<std::string>{"program", "command", "version", "git_commit", "paired",
                                            "seed", "runs", "steps", "threads", "scenarios",
                                            "files", "outputs", "command_line"});
  CHECK(m["command"] == "compare");
  CHECK(m["paired"] == true);
  CHECK(m["seed"] == 7);
  CHECK(m["runs"] == 4);
  CHECK(m["steps"] == Json::array({26, 26}));
  CHECK(m["scenarios"] == Json::parse(R"([{"name": "baseline", "folder": "baseline"},
                        {"name": "nk_nuclear_test", "folder": "nk_nuclear_test"}])"));
  // Inputs: the union of the scenario folders' own, every path normal.
  check_inputs(m);
  std::set<std::string> union_of_scenarios;
  for (const char* name : {"baseline", "nk_nuclear_test"}) {
    const Json scenario = manifest_of(out / name);
    for (const auto& f : scenario["files"]) {
      union_of_scenarios.insert(f["path"].get<std::string>());
      CHECK(lists(m["files"], f["path"]));
    }
    for (const auto& file : scenario["scenario_chain"])
      CHECK(file.get<std::string>().find("..") == std::string::npos);
  }
  CHECK(m["files"].size() == union_of_scenarios.size());
  // Outputs: compare.csv and every file of each scenario folder but its manifest.
  const auto paths = check_outputs(m, out);
  CHECK(paths.front() == "compare.csv");
  std::vector<std::string> expected = {"compare.csv"};
  for (const char* name : {"baseline", "nk_nuclear_test"})
    for (const char* file : {"decisions.csv", "state.csv", "events.csv", "utilities.csv",
                             "outcomes.csv", "summary.csv", "metrics.csv"})
      expected.push_back(std::string(name) + "/" + file);
  std::vector<std::string> sorted = paths;
  std::sort(sorted.begin(), sorted.end());
  std::sort(expected.begin(), expected.end());
  CHECK(sorted == expected);

  // compare --results: the folders are inputs (their outcomes.csv and manifest.json with their
  // SHA-256); compare.csv is the same bytes.
  const fs::path again = scratch.path() / "again";
  REQUIRE(run_command(binary() + " compare --results " + (out / "baseline").string() + " " +
                      (out / "nk_nuclear_test").string() + " --out " + again.string())
              .exit_code == 0);
  const Json results = manifest_of(again);
  CHECK(read_file(again / "compare.csv") == read_file(out / "compare.csv"));
  CHECK(check_outputs(results, again) == std::vector<std::string>{"compare.csv"});
  check_inputs(results);
  CHECK(results["scenarios"][1]["folder"] == (out / "nk_nuclear_test").string());
  CHECK(lists(results["files"], (out / "nk_nuclear_test" / "outcomes.csv").string()));
  CHECK(lists(results["files"], (out / "baseline" / "manifest.json").string()));

  // A folder that holds another command's manifest does not receive a comparison's.
  const auto into_run = run_command(binary() + " compare --results " + (out / "baseline").string() +
                                    " " + (out / "nk_nuclear_test").string() + " --force --out " +
                                    (out / "baseline").string());
  CHECK(into_run.exit_code == 2);
  CHECK(into_run.output.find("is not a comparison's manifest") != std::string::npos);
  CHECK(manifest_of(out / "baseline")["scenario"] == "baseline");
}

TEST_CASE(
    "check writes a manifest with its options and inputs and every output's rows and SHA-256") {
  Scratch scratch("manifests");
  const fs::path out = scratch.path() / "checks";
  const auto r = run_command(binary() + " check --runs 12 --seed 3 --quiet --out " + out.string());
  INFO(r.output);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));  // 12 runs are too few for some checks
  const Json m = manifest_of(out);
  CHECK(keys(m) == std::vector<std::string>{"program", "command", "version", "git_commit", "seed",
                                            "runs", "threads", "null_models", "null_model_names",
                                            "robustness_sets", "robustness_runs", "outputs",
                                            "check_files", "files", "command_line"});
  CHECK(m["command"] == "check");
  CHECK(m["seed"] == 3);
  CHECK(m["runs"] == 12);
  CHECK(m["null_models"] == false);
  CHECK(m["null_model_names"].empty());
  CHECK(check_outputs(m, out) == std::vector<std::string>{"checks.csv"});
  check_inputs(m);
  // The check files, the model and every scenario file the checks ran.
  for (const auto& f : m["check_files"]) CHECK(lists(m["files"], f));
  CHECK(m["check_files"] ==
        Json::array({"tests/validation/baseline.toml", "tests/validation/whatifs.toml"}));
  for (const char* input : {"model/claims.csv", "model/rules.toml", "scenarios/baseline.toml",
                            "scenarios/nk_nuclear_test.toml"})
    CHECK(lists(m["files"], input));
}

TEST_CASE("damaged manifests are refused at file:line:col with exit code 2") {
  Scratch scratch("manifests");
  const fs::path good = scratch.path() / "good";
  REQUIRE(run_command(binary() + " run " + source_dir() +
                      "/scenarios/baseline.toml --runs 3 --outputs outcomes --quiet --out " +
                      good.string())
              .exit_code == 0);
  const std::string manifest = read_file(good / "manifest.json");
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = manifest;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  const std::string where = "manifest.json";
  struct Case {
    const char* what;
    std::string manifest, expected;
  };
  const std::vector<Case> cases = {
      {"truncated", manifest.substr(0, manifest.find("\"version\"")),
       where + ":3:3: expected the manifest.json of a stancesim result folder: syntax error"},
      {"a missing key", replaced("\"scenario\":", "\"scenery\":"),
       where + ": expected the manifest.json of a stancesim result folder, with a key 'scenario'"},
      {"runs as text", replaced("\"runs\": 3,", "\"runs\": \"3\","),
       where + ": 'runs': expected a whole number in [1, 10000000], found '\"3\"'"},
      {"scenario as a number", replaced("\"scenario\": \"baseline\"", "\"scenario\": 5"),
       where + ": 'scenario': expected a string, found '5'"},
      {"a key twice", replaced("\"runs\": 3,", "\"runs\": 3, \"runs\": 4,"),
       where + ": expected the manifest.json of a stancesim result folder: the key 'runs' is given "
               "twice"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const fs::path bad = scratch.path() / "bad";
    fs::remove_all(bad);
    fs::copy(good, bad);
    write_file(bad / "manifest.json", c.manifest);
    const auto r = run_command(binary() + " compare --results " + good.string() + " " +
                               bad.string() + " --out " + (scratch.path() / "cmp").string());
    CAPTURE(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.expected) != std::string::npos);
    CHECK(!fs::exists(scratch.path() / "cmp" / "compare.csv"));
  }
  // A sweep's manifest (sensitivity, discover) and a shard's (merge) are read as strictly.
  const fs::path sweep = scratch.path() / "sweep";
  fs::create_directories(sweep);
  write_file(sweep / "manifest.json", "{\"command\": \"sweep\", \"experiment\": 1}\n");
  const auto s = run_command(binary() + " sensitivity " + sweep.string() + " --out " +
                             (scratch.path() / "sens").string());
  CHECK(s.exit_code == 2);
  CHECK(s.output.find("manifest.json: 'experiment': expected a string, found '1'") !=
        std::string::npos);
  const fs::path shard = scratch.path() / "shard";
  fs::create_directories(shard);
  write_file(shard / "manifest.json",
             replaced("\"command_line\":", "\"shard\": {\"index\": 0},\n  \"command_line\":"));
  const auto m = run_command(binary() + " merge " + shard.string() + " --out " +
                             (scratch.path() / "merged").string());
  CHECK(m.exit_code == 2);
  CHECK(m.output.find("'shard.index': expected a whole number in [1, 10000000], found '0'") !=
        std::string::npos);
}
