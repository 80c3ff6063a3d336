#include <doctest/doctest.h>

#include "run/progress.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE("progress lines give the count, the share, the rate and the time left") {
  const Progress p("baseline", 100, "runs", true);
  CHECK(p.line(50, 10.0, false) == "baseline: 50/100 runs (50%), 5 runs/s, 10s elapsed, 10s left");
  CHECK(p.line(25, 90.0, false) ==
        "baseline: 25/100 runs (25%), 0 runs/s, 1m30s elapsed, 4m30s left");
  CHECK(p.line(50, 10.0, true) == "baseline [############............] 50/100 runs 5/s 10s left");
  CHECK(p.line(100, 3725.0, true) == "baseline [########################] 100/100 runs 0/s 1h02m");
}

TEST_CASE("long work reports progress on a pipe every interval, --quiet and short work never") {
  Scratch scratch("progress");
  const std::string run = "STANCESIM_PROGRESS_SECONDS=0.2 " + binary() + " run " + source_dir() +
                          "/scenarios/baseline.toml --threads 1 --outputs summary --force --out " +
                          (scratch.path() / "r").string();
  const auto long_run = run_command(run + " --runs 1500");
  REQUIRE(long_run.exit_code == 0);
  CHECK(long_run.output.find("baseline: ") != std::string::npos);
  CHECK(long_run.output.find(" runs (") != std::string::npos);
  CHECK(long_run.output.find("/1500 runs") != std::string::npos);
  CHECK(long_run.output.find("1500/1500 runs (100%)") != std::string::npos);  // the last line
  const auto quiet = run_command(run + " --runs 1500 --quiet");
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.output.find(" runs (") == std::string::npos);
  const auto short_run = run_command(run + " --runs 2");
  REQUIRE(short_run.exit_code == 0);
  CHECK(short_run.output.find(" runs (") == std::string::npos);
}
