// Benchmark: runs per second on a scenario at 1 and 2 threads, with and without formatting the
// CSV text, and with writing to disk. Figures are printed, never asserted.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "engine/compiled.hpp"
#include "run/plan.hpp"
#include "run/results.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

int bench_command(const std::vector<std::string>& args) {
  po::options_description opts("stancesim bench [SCENARIO.toml] [options]");
  std::int64_t runs = 1000;
  std::string out_dir = "results/_bench";
  opts.add_options()("help,h", "show this help")("runs", po::value(&runs)->default_value(runs),
                                                 "runs per measurement")(
      "out", po::value(&out_dir)->default_value(out_dir),
      "scratch folder for the write measurement (removed after)");
  std::vector<std::string> files;
  po::variables_map vm;
  if (!parse_arguments(args, opts, files, vm)) return kExitOk;
  PlanRequest request;
  request.runs = runs;
  check_request(request);
  const std::string file = files.empty() ? "scenarios/baseline.toml" : files[0];
  LoadedScenario loaded = load_scenario(file, {});
  RunPlan plan = resolve_plan(request, loaded.scenario);
  const CompiledModel model = compile(loaded.model, loaded.scenario);
  fmt::print("bench: {} ({} runs x {} steps)\n", loaded.scenario.name, runs, model.steps);
  fmt::print("{:<28} {:>8} {:>10} {:>12} {:>12}\n", "mode", "threads", "seconds", "runs/s", "MB/s");
  for (const int threads : {1, 2}) {
    for (const int mode : {0, 1, 2}) {
      const auto start = std::chrono::steady_clock::now();
      std::uint64_t bytes = 0;
      plan.threads = threads;
      if (mode < 2) {
        bytes = run_in_memory(model, plan, mode == 1).bytes_written;
      } else {
        RunOptions ro;
        ro.plan = plan;
        ro.out_dir = out_dir;
        ro.force = true;
        bytes = run_and_write(loaded, model, ro).bytes_written;
        std::filesystem::remove_all(out_dir);
      }
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      static const char* names[] = {"simulate only", "simulate + format CSV",
                                    "simulate + write CSV files"};
      fmt::print("{:<28} {:>8} {:>10.3f} {:>12.0f} {:>12.1f}\n", names[mode], threads, s,
                 static_cast<double>(runs) / s, static_cast<double>(bytes) / 1e6 / s);
    }
  }
  return kExitOk;
}

}  // namespace stancesim::cli
