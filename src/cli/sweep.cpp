// stancesim sweep EXPERIMENT.toml: runs an experiment's design (grid, lhs, sobol, morris) and
// writes design.csv, parameters.csv, points.csv (optionally outcomes.csv) and manifest.json.
#include <fmt/format.h>
#include <sys/resource.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "output/output_folder.hpp"
#include "run/mpi_farm.hpp"
#include "run/plan.hpp"
#include "run/progress.hpp"
#include "run/sweep.hpp"
#include "scenario/experiment.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

int sweep_command(const std::vector<std::string>& args,
                  const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim sweep EXPERIMENT.toml [options]\n\n"
      "Runs the experiment's design: at every point, an ensemble of each scenario with the\n"
      "point's parameter values set last, all points with the same seed (common random numbers).\n"
      "Writes <out>/design.csv, parameters.csv, points.csv (mean, sd and 95% interval of each\n"
      "metric's mean per point), outcomes.csv with --per-run, and manifest.json.\n"
      "Then: stancesim sensitivity <out> (sobol, morris) or stancesim discover <out> (PRIM).\n\n"
      "example: stancesim sweep experiments/un_sanctions_after_test.toml --runs 50\n"
      "exit codes: 0 done, 1 failure, 2 bad input, 130/143 interrupted\n\noptions");
  std::int64_t runs = 0, seed = -1, threads = default_threads();
  std::string out_dir, model_dir, shard;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("runs", po::value(&runs), "runs per point and scenario (default: the experiment's)")
      ("seed", po::value(&seed), "seed of the design and of the runs (default: the experiment's)")
      ("threads", po::value(&threads)->default_value(threads), "worker threads")
      ("out", po::value(&out_dir), "output folder (default: results/<experiment name>)")
      ("force", "replace an existing output folder (and start over instead of resuming)")
      ("resume", "finish the sweep an interruption or a kill left for this --out (checkpoints every "
       "5 s); the result is byte-identical to an uninterrupted sweep")
      ("shard", po::value(&shard), "K/N: run only the K-th of N near-equal blocks of design points "
       "into a shard folder; `stancesim merge` joins the N shard folders")
      ("per-run", "also write outcomes.csv: every run's value of each metric")
      ("model", po::value(&model_dir), "model folder (default: ../model beside the scenarios)")
      ("quiet", "no progress on stderr")
      ("dry-run", "print the design's size and stop");
  // clang-format on
  std::vector<std::string> files;
  po::variables_map vm;
  if (!parse_arguments(args, opts, files, vm)) return kExitOk;
  if (files.size() != 1)
    throw InputError("stancesim sweep: expected one experiment file (see --help)");
  SweepOptions so;
  so.request = plan_request(vm, 2);
  Experiment experiment = load_experiment(files[0], model_dir);
  if (vm.count("seed")) experiment.seed = static_cast<std::uint64_t>(seed);
  so.model_dir = model_dir;
  so.out_dir = out_dir.empty() ? "results/" + experiment.name : out_dir;
  so.force = vm.count("force") > 0;
  so.outcomes = vm.count("per-run") > 0;
  so.resume = vm.count("resume") > 0;
  if (!shard.empty()) so.shard = parse_shard(shard);
  so.command_line = command_line;
  const int per_point = vm.count("runs") ? static_cast<int>(runs) : experiment.runs;
  if (vm.count("dry-run")) {
    fmt::print("experiment {}: {}\n  design     {} with {} points over {} parameters\n",
               experiment.name, experiment.description, design_name(experiment.design),
               experiment.n_points, experiment.parameters.size());
    for (const auto& p : experiment.parameters)
      fmt::print("    {:<32} {} in [{}, {}]{}\n", p.name, p.path, p.low, p.high,
                 p.integer ? " (whole numbers)" : "");
    fmt::print("  scenarios  {}\n  runs       {} per point and scenario ({} in all), seed {}\n",
               experiment.scenarios.size(), per_point,
               static_cast<std::int64_t>(per_point) * experiment.n_points *
                   static_cast<std::int64_t>(experiment.scenarios.size()),
               experiment.seed);
    return kExitOk;
  }
  check_destination(so.out_dir, so.force, so.resume);
  Progress progress(experiment.name, 0, "runs", vm.count("quiet") > 0 || mpi::rank() != 0);
  so.progress = [&](std::int64_t done, std::int64_t total) {
    progress.set_total(total);
    progress.update(done);
  };
  const auto start = std::chrono::steady_clock::now();
  const SweepResult r = run_sweep(experiment, so);
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  if (mpi::rank() != 0) return kExitOk;  // rank 0 reports
  fmt::print(
      "{}: {} design points, {} runs in {:.2f} s ({}{} threads, peak memory {:.0f} MB{}) -> {}/\n",
      experiment.name, r.points, r.runs, seconds,
      mpi::size() > 1 ? std::to_string(mpi::size()) + " MPI ranks x " : "", threads,
      static_cast<double>(usage.ru_maxrss) / 1024.0, mpi::size() > 1 ? " on rank 0" : "",
      so.out_dir);
  return kExitOk;
}

}  // namespace stancesim::cli
