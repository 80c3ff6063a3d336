// A result is never lost: concurrent writers, --force killed at any point, signals mid-run, files
// that are not result folders, names close to the file system's limit. Processes are started
// with fork/exec so that the test can signal them; faults are injected through STANCESIM_FAULT
// (src/output/output_folder.hpp).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/sha256.hpp"
#include "support.hpp"

using namespace stancesim::test;

namespace {

// Entries of `dir` whose names start with ".stancesim-": temporary state of a writer.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(".stancesim-", 0) == 0)
      out.push_back(e.path().filename().string());
  return out;
}

// A result folder is complete when its manifest lists files that all exist, are non-empty and
// have the SHA-256 it records.
bool complete(const fs::path& dir) {
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"), nullptr, false);
  if (!manifest.is_object() || !manifest.contains("outputs")) return false;
  std::size_t files = 0;
  for (const auto& o : manifest["outputs"]) {
    const fs::path file = dir / o.value("path", "");
    if (!fs::is_regular_file(file) || fs::file_size(file) == 0 ||
        stancesim::sha256_file(file.string()) != o.value("sha256", ""))
      return false;
    ++files;
  }
  return files >= 2;
}

std::string manifest_seed(const fs::path& dir) {
  const std::string m = read_file(dir / "manifest.json");
  const auto at = m.find("\"seed\": ");
  return at == std::string::npos ? "" : m.substr(at + 8, m.find(',', at) - at - 8);
}

// Starts `args` (argv[0] is the binary) with output to /dev/null; returns its pid. The process
// writes no checkpoint (however slow a sanitized build is), so an interruption finds no work to
// keep: what these tests check. Interruptions after a checkpoint, which keep the work for
// --resume, are tested in test_cli_scale.cpp.
pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("STANCESIM_CHECKPOINT_SECONDS", "1000000", 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

// Waits until a writer's temporary folder appears in `dir` (the writer has claimed its
// destination and is simulating).
bool wait_for_writer(const fs::path& dir) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!temporaries(dir).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<std::string> long_run(const fs::path& out) {
  return {binary(), "run",     source_dir() + "/scenarios/baseline.toml",
          "--runs", "1000000", "--threads",
          "1",      "--out",   out.string()};
}

}  // namespace

TEST_CASE("a second writer to the same folder is refused, with or without --force") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / "res";
  const pid_t first = spawn(long_run(out));
  REQUIRE(wait_for_writer(scratch.path()));
  const std::string second =
      binary() + " run " + source_dir() + "/scenarios/baseline.toml --runs 2 --out " + out.string();
  for (const std::string& extra : {std::string(), std::string(" --force")}) {
    const auto r = run_command(second + extra);
    CAPTURE(extra);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("another stancesim process is writing") != std::string::npos);
  }
  ::kill(first, SIGTERM);
  CHECK(wait_exit(first) == 143);
  CHECK(!fs::exists(out));
  CHECK(temporaries(scratch.path()).empty());
}

TEST_CASE("SIGINT mid-run exits 130 and leaves neither a partial result nor a temporary folder") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / "res";
  // An old result stays complete and untouched when a --force run is interrupted.
  REQUIRE(run_command(binary() + " run " + source_dir() +
                      "/scenarios/baseline.toml --runs 2 --seed 1 --out " + out.string())
              .exit_code == 0);
  auto args = long_run(out);
  args.push_back("--force");
  const pid_t pid = spawn(args);
  REQUIRE(wait_for_writer(scratch.path()));
  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid) == 130);
  CHECK(complete(out));
  CHECK(manifest_seed(out) == "1");
  CHECK(temporaries(scratch.path()).empty());
}

TEST_CASE(
    "--force killed at any point leaves a complete old or new result, and the next run cleans") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / "res";
  const std::string run = binary() + " run " + source_dir() + "/scenarios/baseline.toml --runs 3 ";
  REQUIRE(run_command(run + "--seed 1 --out " + out.string()).exit_code == 0);
  for (const char* fault :
       {"kill_after_claim", "kill_before_commit", "kill_after_exchange", "fail_commit_rename"}) {
    CAPTURE(fault);
    const auto r = run_command(std::string("STANCESIM_FAULT=") + fault + " " + run +
                               "--seed 2 --force --out " + out.string());
    CHECK(r.exit_code != 0);
    CHECK(complete(out));
    const std::string seed = manifest_seed(out);
    CHECK((seed == "1" || seed == "2"));
    if (std::string(fault) == "fail_commit_rename") {
      CHECK(r.exit_code == 1);
      CHECK(seed == "1");
      CHECK(temporaries(scratch.path()).empty());
    }
    // The next writer reports what a killed process left and removes it.
    const auto next = run_command(run + "--seed 1 --force --out " + out.string());
    CHECK(next.exit_code == 0);
    if (!temporaries(scratch.path()).empty() || std::string(fault).rfind("kill", 0) == 0)
      CHECK(next.output.find("left by an interrupted run") != std::string::npos);
    CHECK(temporaries(scratch.path()).empty());
    CHECK(complete(out));
    CHECK(manifest_seed(out) == "1");
  }
}

TEST_CASE("--force replaces only result folders: never a file, never someone else's folder") {
  Scratch scratch("safety");
  const std::string run =
      binary() + " run " + source_dir() + "/scenarios/baseline.toml --runs 2 --force --out ";
  const fs::path file = scratch.path() / "notes.txt";
  write_file(file, "mine");
  const auto on_file = run_command(run + file.string());
  CHECK(on_file.exit_code == 2);
  CHECK(on_file.output.find("not a folder") != std::string::npos);
  CHECK(read_file(file) == "mine");

  const fs::path folder = scratch.path() / "papers";
  fs::create_directories(folder);
  write_file(folder / "draft.txt", "mine");
  const auto on_folder = run_command(run + folder.string());
  CHECK(on_folder.exit_code == 2);
  CHECK(on_folder.output.find("not a stancesim result folder") != std::string::npos);
  CHECK(read_file(folder / "draft.txt") == "mine");

  // An empty folder may be filled.
  const fs::path empty = scratch.path() / "empty";
  fs::create_directories(empty);
  CHECK(run_command(run + empty.string()).exit_code == 0);
  CHECK(complete(empty));
  CHECK(temporaries(scratch.path()).empty());

  // A comparison's folder has a manifest.json too, but holds the scenario folders (and, as
  // results/, perhaps other results): --force does not replace it with one result.
  const fs::path comparison = scratch.path() / "cmp";
  REQUIRE(run_command(binary() + " compare " + source_dir() + "/scenarios/baseline.toml " +
                      source_dir() + "/scenarios/nk_nuclear_test.toml --runs 2 --quiet --out " +
                      comparison.string())
              .exit_code == 0);
  const auto on_comparison = run_command(run + comparison.string());
  CHECK(on_comparison.exit_code == 2);
  CHECK(on_comparison.output.find("holds a comparison") != std::string::npos);
  CHECK(fs::exists(comparison / "baseline" / "manifest.json"));
  CHECK(fs::exists(comparison / "compare.csv"));
}

TEST_CASE("a destination name near the file system's limit works") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / std::string(250, 'n');
  const auto r = run_command(binary() + " run " + source_dir() +
                             "/scenarios/baseline.toml --runs 2 --out " + out.string());
  CHECK(r.exit_code == 0);
  CHECK(complete(out));
  CHECK(temporaries(scratch.path()).empty());
}

TEST_CASE("compare: an interrupted comparison leaves every finished folder complete") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / "cmp";
  const pid_t pid = spawn({binary(), "compare", source_dir() + "/scenarios/baseline.toml",
                           source_dir() + "/scenarios/nk_nuclear_test.toml", "--runs", "1000000",
                           "--threads", "1", "--out", out.string()});
  REQUIRE(wait_for_writer(out));
  ::kill(pid, SIGTERM);
  CHECK(wait_exit(pid) == 143);
  CHECK(temporaries(out).empty());
  CHECK(!fs::exists(out / "baseline"));
  CHECK(!fs::exists(out / "compare.csv"));
}

TEST_CASE("a file size limit (SIGXFSZ) is a write error: exit 1, nothing left behind") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / "res";
  // 200 KB per file: decisions.csv of 50 runs is larger.
  const auto r = run_command("bash -c 'ulimit -f 200; exec " + binary() + " run " + source_dir() +
                             "/scenarios/baseline.toml --runs 50 --out " + out.string() + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("error while writing") != std::string::npos);
  CHECK(!fs::exists(out));
  CHECK(temporaries(scratch.path()).empty());
}

TEST_CASE(
    "SIGINT or SIGTERM mid-sweep exits 128+N and leaves no partial sweep, an old one intact") {
  Scratch scratch("safety");
  const fs::path out = scratch.path() / "sweep";
  const std::string experiment = source_dir() + "/experiments/un_sanctions_after_test.toml";
  REQUIRE(run_command(binary() + " sweep " + experiment + " --runs 2 --out " + out.string())
              .exit_code == 0);
  const std::string design = read_file(out / "design.csv");
  for (const int sig : {SIGINT, SIGTERM}) {
    CAPTURE(sig);
    const pid_t pid = spawn({binary(), "sweep", experiment, "--runs", "100000", "--threads", "1",
                             "--force", "--out", out.string()});
    REQUIRE(wait_for_writer(scratch.path()));
    ::kill(pid, sig);
    CHECK(wait_exit(pid) == 128 + sig);
    CHECK(read_file(out / "design.csv") == design);
    CHECK(fs::exists(out / "manifest.json"));
    CHECK(read_file(out / "manifest.json").find("\"runs\": 2,") != std::string::npos);
    CHECK(temporaries(scratch.path()).empty());
  }
}
