// stancesim compare: runs a reference and what-ifs with common random numbers (run i of every
// scenario draws from the same streams) and writes paired differences with confidence intervals;
// or compares result folders that already exist (--results).
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "analysis/compare.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "engine/compiled.hpp"
#include "output/results.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stancesim::cli {

namespace {
void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw RuntimeFailure("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}
}  // namespace

int compare_command(const std::vector<std::string>& args,
                    const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim compare REFERENCE.toml SCENARIO.toml... [options]\n"
      "stancesim compare --results DIR DIR... [options]");
  int runs = 0, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int explain_runs = 20;
  std::int64_t seed = -1;
  std::string out_dir = "results", model_dir;
  std::vector<std::string> views, sets, inputs;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("runs", po::value(&runs), "runs per scenario (default: the reference's runs)")
      ("seed", po::value(&seed), "base seed for every scenario (default: the reference's seed)")
      ("threads", po::value(&threads)->default_value(threads), "worker threads")
      ("out", po::value(&out_dir)->default_value(out_dir), "folder: <out>/<scenario>/ and <out>/compare.csv")
      ("force", "replace existing scenario folders and compare.csv")
      ("explain", "also write utilities.csv for every scenario")
      ("explain-runs", po::value(&explain_runs)->default_value(explain_runs), "with --explain: runs covered")
      ("model", po::value(&model_dir), "model folder (default: ../model beside each scenario file)")
      ("view", po::value(&views)->composing(), "analyst view for every scenario (repeatable)")
      ("set", po::value(&sets)->composing(), "override for every scenario: PATH=VALUE (repeatable)")
      ("results", "the arguments are result folders to compare, the first being the reference")
      ("unpaired", "treat the ensembles as independent samples (Welch), to see what pairing buys");
  // clang-format on
  po::variables_map vm;
  if (!parse_arguments(args, opts, inputs, vm)) return kExitOk;
  if (inputs.size() < 2)
    throw InputError(
        "stancesim compare: expected a reference and at least one scenario (see --help)");
  if (vm.count("runs") && runs < 1) throw InputError("--runs: expected a positive number of runs");
  if (vm.count("seed") && (seed < 0 || seed > 2147483647))
    throw InputError("--seed: expected 0 to 2147483647");
  if (threads < 1) throw InputError("--threads: expected at least 1");
  const bool paired = vm.count("unpaired") == 0;
  const bool force = vm.count("force") > 0;
  const fs::path compare_path = fs::path(out_dir) / "compare.csv";
  if (fs::exists(compare_path) && !force)
    throw InputError(SourceLoc{compare_path.string(), 0, 0},
                     "exists: choose another --out or add --force");

  std::vector<EnsembleOutcomes> ensembles;
  if (vm.count("results")) {
    for (const auto& dir : inputs) ensembles.push_back(read_results(dir));
  } else {
    // Load and check everything before running anything.
    std::vector<LoadedScenario> loaded;
    std::set<std::string> names;
    for (const auto& file : inputs) {
      loaded.push_back(load_scenario(file, ScenarioOptions{model_dir, views, sets, {}}));
      const std::string& name = loaded.back().scenario.name;
      if (!names.insert(name).second)
        throw InputError(SourceLoc{file, 0, 0}, "scenario '" + name + "' is named twice");
      check_output_dir((fs::path(out_dir) / name).string(), force);
    }
    const int n_runs = vm.count("runs") ? runs : loaded.front().scenario.runs;
    const auto base_seed =
        vm.count("seed") ? static_cast<std::uint64_t>(seed) : loaded.front().scenario.seed;
    const bool tty = ::isatty(2);
    for (auto& ls : loaded) {
      Scenario& sc = ls.scenario;
      sc.runs = n_runs;
      sc.seed = base_seed;
      const CompiledModel model = compile(ls.model, sc);
      RunOptions ro;
      ro.runs = n_runs;
      ro.seed = base_seed;
      ro.threads = threads;
      ro.explain_runs = vm.count("explain") ? explain_runs : 0;
      ro.out_dir = (fs::path(out_dir) / sc.name).string();
      ro.force = force;
      ro.command_line = command_line;
      if (tty)
        ro.progress = [&](int done, int total) {
          if (done == total || done % 50 == 0)
            fmt::print(stderr, "\r{:<31} run {}/{}", sc.name, done, total);
          if (done == total) fmt::print(stderr, "\n");
        };
      const auto start = std::chrono::steady_clock::now();
      run_and_write(ls, model, ro);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!tty)
        fmt::print(stderr, "{}: {} runs x {} steps in {:.2f} s\n", sc.name, n_runs, sc.steps,
                   seconds);
      // Compare what was written, so `compare --results` on these folders gives the same file.
      ensembles.push_back(read_results(ro.out_dir));
    }
  }
  const EnsembleOutcomes& reference = ensembles.front();
  const std::vector<EnsembleOutcomes> scenarios(ensembles.begin() + 1, ensembles.end());
  if (paired)
    for (const auto& s : scenarios) check_pairable(reference, s);
  fs::create_directories(out_dir);
  write_atomically(compare_path, compare_csv(reference, scenarios, paired));
  std::cout << compare_table(reference, scenarios, paired);
  fmt::print("\nwrote {} and the result folders {}/<scenario>/\n", compare_path.string(), out_dir);
  return kExitOk;
}

}  // namespace stancesim::cli
