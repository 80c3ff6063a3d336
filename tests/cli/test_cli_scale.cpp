// Work in parts gives the result of one uninterrupted process, byte for byte: shards merged
// (run, sweep, compare), a run or sweep killed and resumed, a comparison interrupted and resumed.
// Kills and interruptions are injected at a chosen run or sweep unit through STANCESIM_FAULT
// (src/run/checkpoint.hpp), so the tests are deterministic.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support.hpp"

using namespace stancesim::test;

namespace {

// Every file of `dir` and below, relative to it, except `.stancesim-*` entries.
std::vector<std::string> tree(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

// A manifest without its command_line (the one key that names the command that wrote it).
std::string without_command_line(const std::string& manifest) {
  auto json = nlohmann::ordered_json::parse(manifest, nullptr, false);
  if (!json.is_object()) return "not a JSON object: " + manifest;
  json.erase("command_line");
  return json.dump(2);
}

// Whether two result trees hold the same files with the same bytes (manifests: but for
// command_line).
void check_same(const fs::path& expected, const fs::path& actual) {
  REQUIRE(fs::exists(actual));
  const auto files = tree(expected);
  CHECK(files == tree(actual));
  for (const auto& f : files) {
    CAPTURE(f);
    const std::string a = read_file(expected / f), b = read_file(actual / f);
    if (fs::path(f).filename() == "manifest.json")
      CHECK(without_command_line(a) == without_command_line(b));
    else
      CHECK(a == b);
  }
}

std::vector<std::string> hidden(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(".stancesim-", 0) == 0)
      out.push_back(e.path().filename().string());
  return out;
}

// A run of every output file; `seed` 5 unless another is asked for.
std::string run_args(int seed = 5) {
  return " run " + source_dir() + "/scenarios/nk_nuclear_test.toml --runs 23 --steps 30 --seed " +
         std::to_string(seed) +
         " --threads 2 --explain --explain-runs 3 --outputs all,outcomes_long --quiet";
}
const std::string kRun = run_args();

}  // namespace

TEST_CASE("run --shard K/N: the merged shards are the one-process result byte for byte") {
  Scratch scratch("scale");
  const fs::path whole = scratch.path() / "whole", merged = scratch.path() / "merged";
  REQUIRE(run_command(binary() + kRun + " --out " + whole.string()).exit_code == 0);
  std::string shards;
  for (const char* k : {"3/3", "1/3", "2/3"}) {
    const fs::path part = scratch.path() / ("part" + std::string(1, k[0]));
    const auto r = run_command(binary() + kRun + " --shard " + k + " --out " + part.string());
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(part / "outcomes.f64"));
    CHECK(!fs::exists(part / "summary.csv"));
    shards += " " + part.string();
  }
  const auto r = run_command(binary() + " merge" + shards + " --out " + merged.string());
  CHECK(r.exit_code == 0);
  check_same(whole, merged);
  CHECK(fs::exists(merged / "outcomes_long.csv"));
  CHECK(fs::exists(merged / "metrics.csv"));
  CHECK(hidden(scratch.path()).empty());
}

TEST_CASE("merge refuses a missing or repeated or foreign shard and --shard must be K/N in 1..N") {
  Scratch scratch("scale");
  auto part = [&](const std::string& k, const std::string& args) {
    const fs::path dir =
        scratch.path() / ("p" + std::to_string(std::hash<std::string>()(k + args)));
    REQUIRE(run_command(binary() + args + " --shard " + k + " --out " + dir.string()).exit_code ==
            0);
    return dir.string();
  };
  const std::string one = part("1/2", kRun), two = part("2/2", kRun),
                    other = part("2/2", run_args(6));
  const std::string merge = binary() + " merge ";
  const std::string out = " --out " + (scratch.path() / "m").string();
  const auto missing = run_command(merge + one + out);
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("merge needs all of them") != std::string::npos);
  const auto twice = run_command(merge + one + " " + one + out);
  CHECK(twice.exit_code == 2);
  CHECK(twice.output.find("given twice") != std::string::npos);
  const auto foreign = run_command(merge + one + " " + other + out);
  CHECK(foreign.exit_code == 2);
  CHECK(foreign.output.find("not shards of one piece of work") != std::string::npos);
  const auto not_shard = run_command(merge + source_dir() + "/scenarios" + out);
  CHECK(not_shard.exit_code == 2);
  CHECK(!fs::exists(scratch.path() / "m"));
  for (const char* bad : {"0/2", "3/2", "2", "a/b", "1/0", "1/24"}) {
    CAPTURE(bad);
    const auto r = run_command(binary() + kRun + " --shard " + bad + " --out " +
                               (scratch.path() / "x").string());
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("--shard") != std::string::npos);
  }
  CHECK(run_command(merge + two + " " + one + out).exit_code == 0);
}

TEST_CASE("sweep --shard K/N: the merged shards are the one-process sweep byte for byte") {
  Scratch scratch("scale");
  const std::string sweep =
      binary() + " sweep " + source_dir() +
      "/experiments/red_line_grid.toml --runs 3 --threads 2 --per-run --quiet";
  const fs::path whole = scratch.path() / "whole", merged = scratch.path() / "merged";
  REQUIRE(run_command(sweep + " --out " + whole.string()).exit_code == 0);
  std::string shards;
  for (const char* k : {"2/2", "1/2"}) {
    const fs::path part = scratch.path() / ("part" + std::string(1, k[0]));
    REQUIRE(run_command(sweep + " --shard " + k + " --out " + part.string()).exit_code == 0);
    shards += " " + part.string();
  }
  CHECK(run_command(binary() + " merge" + shards + " --out " + merged.string()).exit_code == 0);
  check_same(whole, merged);
}

TEST_CASE("compare --shard K/N: merging the shards gives every scenario folder and compare.csv") {
  Scratch scratch("scale");
  const std::string compare = binary() + " compare " + source_dir() + "/scenarios/baseline.toml " +
                              source_dir() +
                              "/scenarios/us_pretext_action.toml --runs 11 --seed 2 --threads 2 "
                              "--quiet";
  const fs::path whole = scratch.path() / "whole", merged = scratch.path() / "merged";
  REQUIRE(run_command(compare + " --out " + whole.string()).exit_code == 0);
  std::string shards;
  for (const char* k : {"1/2", "2/2"}) {
    const fs::path part = scratch.path() / ("part" + std::string(1, k[0]));
    REQUIRE(run_command(compare + " --shard " + k + " --out " + part.string()).exit_code == 0);
    CHECK(!fs::exists(part / "compare.csv"));
    shards += " " + part.string();
  }
  const auto r = run_command(binary() + " merge" + shards + " --out " + merged.string());
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("us_pretext_action") != std::string::npos);  // the comparison's table
  check_same(whole, merged);
}

TEST_CASE("a run killed mid-way is finished by --resume byte for byte (and only with --resume)") {
  Scratch scratch("scale");
  const fs::path whole = scratch.path() / "whole", out = scratch.path() / "res";
  REQUIRE(run_command(binary() + kRun + " --out " + whole.string()).exit_code == 0);
  // Checkpoints after every run; killed after run 14 has been written, before its checkpoint.
  const auto killed = run_command(
      "STANCESIM_CHECKPOINT_SECONDS=0 STANCESIM_FAULT=kill_at_unit STANCESIM_FAULT_AT=14 " +
      binary() + kRun + " --out " + out.string());
  CHECK(killed.exit_code != 0);
  CHECK(!fs::exists(out));
  // The next command for this destination keeps the killed run's work and asks what to do.
  const auto again = run_command(binary() + kRun + " --out " + out.string());
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("add --resume to finish it, or --force to start over") !=
        std::string::npos);
  REQUIRE(hidden(scratch.path()).size() == 1);
  CHECK(hidden(scratch.path()).front().rfind(".stancesim-resume-", 0) == 0);
  // Other inputs cannot resume it; the work stays for the right command.
  const auto other = run_command(binary() + run_args(6) + " --resume --out " + out.string());
  CHECK(other.exit_code == 2);
  CHECK(other.output.find("other inputs or options") != std::string::npos);
  CHECK(hidden(scratch.path()).size() == 1);
  const auto resumed = run_command(binary() + kRun + " --resume --out " + out.string());
  CHECK(resumed.exit_code == 0);
  check_same(whole, out);
  CHECK(hidden(scratch.path()).empty());
}

TEST_CASE("a sweep killed mid-way is finished by --resume byte for byte") {
  Scratch scratch("scale");
  const std::string sweep =
      binary() + " sweep " + source_dir() +
      "/experiments/red_line_grid.toml --runs 3 --threads 2 --per-run --quiet";
  const fs::path whole = scratch.path() / "whole", out = scratch.path() / "res";
  REQUIRE(run_command(sweep + " --out " + whole.string()).exit_code == 0);
  const auto killed = run_command(
      "STANCESIM_CHECKPOINT_SECONDS=0 STANCESIM_FAULT=kill_at_unit STANCESIM_FAULT_AT=7 " + sweep +
      " --out " + out.string());
  CHECK(killed.exit_code != 0);
  CHECK(!fs::exists(out));
  CHECK(run_command(sweep + " --resume --out " + out.string()).exit_code == 0);
  check_same(whole, out);
  CHECK(hidden(scratch.path()).empty());
}

// Finished scenario folders stay complete; nothing partial at the destination; the interrupted
// scenario's runs are kept as named resumable work, which --resume finishes byte for byte.
TEST_CASE("SIGINT during compare exits 130 with no partial folder and --resume finishes it") {
  Scratch scratch("scale");
  const std::string compare =
      binary() + " compare " + source_dir() + "/scenarios/baseline.toml " + source_dir() +
      "/scenarios/nk_nuclear_test.toml " + source_dir() +
      "/scenarios/us_pretext_action.toml --runs 20 --seed 4 --threads 2 --quiet";
  const fs::path whole = scratch.path() / "whole", out = scratch.path() / "cmp";
  REQUIRE(run_command(compare + " --out " + whole.string()).exit_code == 0);
  // SIGINT after run 10 of the second scenario (the 30th run of the process).
  const auto stopped = run_command(
      "STANCESIM_CHECKPOINT_SECONDS=0 STANCESIM_FAULT=interrupt_at_unit STANCESIM_FAULT_AT=30 " +
      compare + " --out " + out.string());
  CHECK(stopped.exit_code == 130);
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(out)) entries.push_back(e.path().filename().string());
  std::sort(entries.begin(), entries.end());
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].rfind(".stancesim-resume-", 0) == 0);  // the second scenario's runs so far
  CHECK(entries[1] == "baseline");                        // complete: first in the comparison
  CHECK(read_file(out / "baseline" / "summary.csv") ==
        read_file(whole / "baseline" / "summary.csv"));
  CHECK(stopped.output.find("--resume finishes it") != std::string::npos);
  const auto resumed = run_command(compare + " --resume --out " + out.string());
  CHECK(resumed.exit_code == 0);
  check_same(whole, out);
  CHECK(hidden(out).empty());
}
