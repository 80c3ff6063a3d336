// Benchmark: runs per second on a scenario at 1 and 2 threads, with and without formatting the
// CSV text, and with writing to disk. Figures are printed, never asserted.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "engine/compiled.hpp"
#include "output/csv.hpp"
#include "run/plan.hpp"
#include "run/results.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

namespace {

// The 4-decimal writer of every CSV (CsvBuffer::fixed4: integer path, std::to_chars near a tie)
// against std::to_chars alone and against the writer before 0.2 (rounded v * 10^4 a second time,
// so 0.00035 came out as 0.0004), on numbers shaped like the outputs: ladder levels, shares and
// probabilities, index values.
void bench_number_writers() {
  const CounterRng rng(1, 0);
  const std::uint64_t stream = stream_id("bench/numbers");
  std::vector<double> values(2'000'000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double u = rng.uniform(stream, 0, i);
    values[i] = i % 3 == 0 ? std::floor(u * 7) : i % 3 == 1 ? u : u * 1000.0;
  }
  auto twice_rounded = [](CsvBuffer& b, double v) {
    std::int64_t scaled = std::llround(v * 10000.0);
    if (scaled < 0) b.raw("-"), scaled = -scaled;
    b.integer(scaled / 10000).raw(".");
    const int frac = static_cast<int>(scaled % 10000);
    char tmp[4] = {static_cast<char>('0' + frac / 1000), static_cast<char>('0' + frac / 100 % 10),
                   static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10)};
    b.raw(std::string_view(tmp, 4));
  };
  auto time = [&](auto write) {
    double best = 1e300;
    for (int repeat = 0; repeat < 5; ++repeat) {
      CsvBuffer b;
      b.reserve(values.size() * 10);
      const auto start = std::chrono::steady_clock::now();
      for (double v : values) write(b, v), b.comma();
      best = std::min(
          best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best * 1e9 / static_cast<double>(values.size());
  };
  const double ours = time([](CsvBuffer& b, double v) { b.fixed4(v); });
  const double lib = time([](CsvBuffer& b, double v) { b.fixed4_to_chars(v); });
  const double old = time(twice_rounded);
  fmt::print("\nnumber writers ({} numbers, best of 5)    ns/number   vs fixed4\n", values.size());
  fmt::print("{:<40} {:>9.2f} {:>10.2f}\n", "fixed4 (integer path + to_chars at ties)", ours, 1.0);
  fmt::print("{:<40} {:>9.2f} {:>10.2f}\n", "std::to_chars(fixed, 4) alone", lib, lib / ours);
  fmt::print("{:<40} {:>9.2f} {:>10.2f}\n", "before 0.2 (rounds twice)", old, old / ours);
}

}  // namespace

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
  bench_number_writers();
  return kExitOk;
}

}  // namespace stancesim::cli
