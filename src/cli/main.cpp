// stancesim: wires the command line to the library. Exit codes: 0 ok, 1 failure, 2 bad input,
// 128 + N when stopped by signal N (130 for SIGINT, 143 for SIGTERM).
#include <fmt/format.h>

#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/text.hpp"
#include "run/mpi_farm.hpp"
#include "version.hpp"

namespace {
constexpr const char* kUsage =
    "usage: stancesim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.toml   run an ensemble and write CSVs (stancesim run --help)\n"
    "  compare REF.toml SCENARIO.toml...   run with common random numbers, compare with paired "
    "CIs\n"
    "  compare --results DIR DIR...        compare result folders that already exist\n"
    "  validate FILE...    check scenario files and model folders without running\n"
    "  check [FILE...]     the analyses' expectations as checks (tests/validation/); exit 1 if any "
    "fails\n"
    "  sweep EXPERIMENT.toml   run a parameter sweep (grid, lhs, sobol, morris)\n"
    "  sensitivity SWEEP_DIR   Sobol' or Morris indices with confidence intervals\n"
    "  discover SWEEP_DIR      scenario discovery (PRIM boxes) for a case of interest\n"
    "  merge SHARD_DIR...  join the shard folders of a run or sweep made with --shard K/N\n"
    "  list WHAT           variables, options, parameters, views, claims or scenarios (--format "
    "csv)\n"
    "  help COMMAND        a command's options, examples and exit codes\n"
    "  bench [SCENARIO]    measure runs per second and bytes written per second\n"
    "  version             print the version\n";
}

namespace {

int dispatch(const std::vector<std::string>& all);

}  // namespace

int main(int argc, char** argv) {
  using namespace stancesim;
  // Under mpirun (an -DSTANCESIM_MPI=ON build), every rank runs the same command; only `sweep`
  // farms work (run/mpi_farm.hpp). A failure on any rank ends them all with its exit code.
  mpi::init(&argc, &argv);
  const int code = dispatch(std::vector<std::string>(argv, argv + argc));
  if (mpi::size() > 1 && code != kExitOk) mpi::abort(code);
  mpi::finalize();
  return code;
}

namespace {

int dispatch(const std::vector<std::string>& all) {
  using namespace stancesim;
  const int argc = static_cast<int>(all.size());
  // Messages of ranks other than 0 would repeat rank 0's.
  const bool speak = mpi::rank() == 0;
  if (argc < 2 || all[1] == "-h" || all[1] == "--help" || (all[1] == "help" && argc < 3)) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitInput : kExitOk;
  }
  install_interrupt_handlers();
  // `stancesim help CMD` is `stancesim CMD --help`.
  const bool help = all[1] == "help";
  const std::string command = help ? all[2] : all[1];
  const std::vector<std::string> args = help ? std::vector<std::string>{"--help"}
                                             : std::vector<std::string>(all.begin() + 2, all.end());
  try {
    if (mpi::size() > 1 && command != "sweep")
      throw InputError("stancesim " + command +
                       ": only `sweep` runs under mpirun; split runs and comparisons with --shard "
                       "K/N and `stancesim merge` (docs/scale.md)");
    if (command == "run") return cli::run_command(args, all);
    if (command == "bench") return cli::bench_command(args);
    if (command == "validate") return cli::validate_command(args);
    if (command == "check") return cli::check_command(args, all);
    if (command == "compare") return cli::compare_command(args, all);
    if (command == "sweep") return cli::sweep_command(args, all);
    if (command == "sensitivity") return cli::sensitivity_command(args, all);
    if (command == "discover") return cli::discover_command(args, all);
    if (command == "merge") return cli::merge_command(args, all);
    if (command == "list") return cli::list_command(args);
    if (command == "version" || command == "--version") {
      fmt::print("stancesim {} ({})\n", kVersion, kGitCommit);
      return kExitOk;
    }
    const auto [best, distance] =
        closest(command, {"run", "compare", "validate", "check", "sweep", "sensitivity", "discover",
                          "merge", "list", "bench", "version", "help"});
    fmt::print(stderr, "stancesim: unknown command '{}'{}\n{}", command,
               distance <= 2 ? " (did you mean '" + best + "'?)" : "", kUsage);
    return kExitInput;
  } catch (const Interrupted& e) {
    if (speak)
      fmt::print(stderr, "stancesim: {}: stopped; no unfinished result was published\n", e.what());
    return e.exit_code();
  } catch (const InputError& e) {
    if (speak) fmt::print(stderr, "{}\n", e.what());
    return kExitInput;
  } catch (const boost::program_options::error& e) {
    if (speak) fmt::print(stderr, "stancesim {}: {}\n", command, e.what());
    return kExitInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "stancesim{}: error: {}\n",
               mpi::size() > 1 ? " (rank " + std::to_string(mpi::rank()) + ")" : "", e.what());
    return kExitFailure;
  }
}

}  // namespace
