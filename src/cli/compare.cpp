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
#include <sstream>

#include "analysis/compare.hpp"
#include "analysis/manifests.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "engine/compiled.hpp"
#include "output/manifest.hpp"
#include "output/output_folder.hpp"
#include "run/checkpoint.hpp"
#include "run/plan.hpp"
#include "run/progress.hpp"
#include "run/results.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stancesim::cli {

int compare_command(const std::vector<std::string>& args,
                    const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim compare REFERENCE.toml SCENARIO.toml... [options]\n"
      "stancesim compare --results DIR DIR... [options]\n\n"
      "Runs every scenario with common random numbers and writes paired differences from the\n"
      "reference with 95% intervals (compare.csv), or compares result folders (--results).\n\n"
      "example: stancesim compare scenarios/baseline.toml scenarios/nk_nuclear_test.toml --runs "
      "1000\n"
      "exit codes: 0 done, 1 failure, 2 bad input, 130/143 interrupted (--resume "
      "continues)\n\noptions");
  std::int64_t runs = 0, seed = -1, threads = default_threads(), explain_runs = 20;
  std::string out_dir = "results", model_dir, outputs = "all", shard;
  std::vector<std::string> views, sets, inputs, claims_files;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("runs", po::value(&runs), "runs per scenario (default: the reference's runs)")
      ("seed", po::value(&seed), "base seed for every scenario (default: the reference's seed)")
      ("threads", po::value(&threads)->default_value(threads), "worker threads")
      ("out", po::value(&out_dir)->default_value(out_dir), "folder: <out>/<scenario>/, <out>/compare.csv and <out>/manifest.json")
      ("force", "replace existing scenario folders and compare.csv (and start over instead of resuming)")
      ("resume", "finish the comparison an interruption or a kill left in --out: complete scenario "
       "folders of the same inputs are kept, an interrupted one is continued from its checkpoint")
      ("shard", po::value(&shard), "K/N: simulate only the K-th of N blocks of runs of every scenario "
       "(shard folders, no compare.csv); `stancesim merge` joins the N --out folders and compares")
      ("outputs", po::value(&outputs)->default_value(outputs),
       "files per scenario: decisions, state, events, outcomes, summary, or all (these five), "
       "and outcomes_long on request (outcomes is always written: the comparison reads it)")
      ("explain", "also write utilities.csv for every scenario")
      ("explain-runs", po::value(&explain_runs)->default_value(explain_runs), "with --explain: runs covered")
      ("model", po::value(&model_dir), "model folder (default: ../model beside each scenario file)")
      ("view", po::value(&views)->composing(), "analyst view for every scenario (repeatable)")
      ("set", po::value(&sets)->composing(), "override for every scenario: PATH=VALUE (repeatable)")
      ("claims", po::value(&claims_files)->composing(), "a file of your own [[claim]] tables (user:NAME ids) that scenarios may cite (repeatable)")
      ("results", "the arguments are result folders to compare, the first being the reference")
      ("quiet", "no progress on stderr")
      ("unpaired", "treat the ensembles as independent samples (Welch), to see what pairing buys");
  // clang-format on
  po::variables_map vm;
  if (!parse_arguments(args, opts, inputs, vm)) return kExitOk;
  if (inputs.size() < 2)
    throw InputError(
        "stancesim compare: expected a reference and at least one scenario (see --help)");
  // One request for every scenario: the reference's runs and seed unless given (common random
  // numbers need the same seed and runs throughout).
  PlanRequest request = plan_request(vm);
  OutputSet output_set = OutputSet::parse(outputs);
  output_set.outcomes = true;
  const bool paired = vm.count("unpaired") == 0;
  const bool force = vm.count("force") > 0;
  const bool resume = vm.count("resume") > 0;
  const Shard shard_of = shard.empty() ? Shard{} : parse_shard(shard);
  if (vm.count("results") && (resume || shard_of.active()))
    throw InputError(
        "stancesim compare: --results compares existing folders; --resume and --shard "
        "are for running scenarios");
  if (fs::exists(out_dir) && !fs::is_directory(out_dir))
    throw InputError(SourceLoc{out_dir, 0, 0}, "exists and is not a folder: choose another --out");
  const fs::path compare_path = fs::path(out_dir) / "compare.csv";
  if (!shard_of.active() && fs::exists(fs::symlink_status(compare_path)) &&
      (!force || !fs::is_regular_file(fs::symlink_status(compare_path))))
    throw InputError(SourceLoc{compare_path.string(), 0, 0},
                     force ? "exists and is not a file: choose another --out"
                           : "exists: choose another --out or add --force");
  if (!shard_of.active()) check_compare_destination(out_dir, force);

  if (shard_of.active() && fs::exists(fs::symlink_status(fs::path(out_dir) / "shard.json")) &&
      !force)
    throw InputError(SourceLoc{(fs::path(out_dir) / "shard.json").string(), 0, 0},
                     "exists: choose another --out or add --force");
  std::vector<std::string> folders;
  if (vm.count("results")) {
    folders = inputs;
  } else {
    // Load and check everything before running anything.
    std::vector<LoadedScenario> loaded;
    std::set<std::string> names;
    for (const auto& file : inputs) {
      loaded.push_back(
          load_scenario(file, ScenarioOptions{model_dir, views, sets, {}, claims_files}));
      const std::string& name = loaded.back().scenario.name;
      if (!names.insert(name).second)
        throw InputError(SourceLoc{file, 0, 0}, "scenario '" + name + "' is named twice");
      const fs::path dest = fs::path(out_dir) / name;
      // With --resume, a folder that exists is checked against its scenario below.
      if (!(resume && fs::exists(fs::symlink_status(dest))))
        check_destination(dest.string(), force, resume);
    }
    if (!request.runs) request.runs = loaded.front().scenario.runs;
    if (!request.seed) request.seed = static_cast<std::int64_t>(loaded.front().scenario.seed);
    std::vector<RunPlan> plans;
    for (auto& ls : loaded) plans.push_back(resolve_plan(request, ls.scenario));
    const bool tty = ::isatty(2);
    std::int64_t total = 0, before = 0;
    for (const auto& plan : plans) total += plan.runs;
    Progress progress("compare", total, "runs", vm.count("quiet") > 0);
    for (std::size_t i = 0; i < loaded.size(); ++i) {
      const LoadedScenario& ls = loaded[i];
      const Scenario& sc = ls.scenario;
      const CompiledModel model = compile(ls.model, sc);
      RunOptions ro;
      ro.plan = plans[i];
      ro.outputs = output_set;
      ro.out_dir = (fs::path(out_dir) / sc.name).string();
      ro.force = force;
      ro.resume = resume;
      ro.shard = shard_of;
      ro.command_line = command_line;
      check_shard(shard_of, ro.plan.runs, "runs");
      if (resume && fs::exists(fs::symlink_status(ro.out_dir))) {
        // Finished before the interruption: kept when it is what this command would write.
        const fs::path manifest = fs::path(ro.out_dir) / "manifest.json";
        std::ifstream in(manifest, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        const Json written = Json::parse(text.str(), nullptr, false);
        if (!in || written.is_discarded() ||
            fingerprint(written) != fingerprint(result_manifest(ls, model, ro)))
          throw InputError(SourceLoc{ro.out_dir, 0, 0},
                           "exists and was not written by this comparison (other inputs or "
                           "options): --resume keeps only its own finished folders; add --force "
                           "without --resume to start over, or choose another --out");
        if (!tty && vm.count("quiet") == 0) fmt::print(stderr, "{}: complete, kept\n", sc.name);
        before += ro.plan.runs;
        progress.update(before);
        folders.push_back(ro.out_dir);
        continue;
      }
      ro.progress = [&](int done, int) { progress.update(before + done); };
      const auto start = std::chrono::steady_clock::now();
      run_and_write(ls, model, ro);
      before += ro.plan.runs;
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!tty && vm.count("quiet") == 0)
        fmt::print(stderr, "{}: {} runs x {} steps in {:.2f} s\n", sc.name, ro.plan.runs,
                   ro.plan.steps, seconds);
      folders.push_back(ro.out_dir);
    }
    progress.finish();
    if (shard_of.active()) {
      // The comparison is made when the shards are merged.
      Json part{{"program", "stancesim"}, {"command", "compare"}};
      part["shard"] = Json{{"index", shard_of.index}, {"count", shard_of.count}};
      part["paired"] = paired;
      part["scenarios"] = Json::array();
      for (const auto& ls : loaded) part["scenarios"].push_back(ls.scenario.name);
      const std::string text = manifest_text(part);
      write_file_atomically(fs::path(out_dir) / "shard.json", text, force);
      fmt::print(
          "wrote shard {}/{} of every scenario into {}/<scenario>/ and {}/shard.json; "
          "`stancesim merge` joins the shards and compares\n",
          shard_of.index, shard_of.count, out_dir, out_dir);
      return kExitOk;
    }
  }
  // Compare what was written, so `compare --results` on these folders gives the same file.
  const Comparison comparison = compare_result_folders(folders, paired);
  const std::string csv = compare_csv(comparison);
  write_file_atomically(compare_path, csv, force);
  write_file_atomically(fs::path(out_dir) / "manifest.json",
                        manifest_text(compare_manifest(folders, out_dir, csv, paired,
                                                       vm.count("results") == 0, command_line)),
                        force);
  std::cout << compare_table(comparison);
  fmt::print("\nwrote {} and the result folders {}/<scenario>/\n", compare_path.string(), out_dir);
  return kExitOk;
}

}  // namespace stancesim::cli
