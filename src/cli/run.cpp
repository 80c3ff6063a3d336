#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "analysis/compare.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/compiled.hpp"
#include "output/output_folder.hpp"
#include "run/plan.hpp"
#include "run/progress.hpp"
#include "run/results.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

namespace {
// A linear form as written: 0.5 + 0.2 * cn_leverage.
std::string form_text(const LinearForm& f) {
  std::string out;
  for (const auto& [variable, coefficient] : f.inputs)
    out += (out.empty() ? "" : " + ") + num(coefficient) + " * " + variable;
  if (f.offset != 0 || out.empty()) out += (out.empty() ? "" : " + ") + num(f.offset);
  return out;
}
}  // namespace

std::string dry_run_plan(const LoadedScenario& loaded, const RunOptions& ro) {
  const Scenario& sc = loaded.scenario;
  std::string out = fmt::format("scenario {}: {}\n", sc.name, sc.description);
  std::string chain;
  for (const auto& f : sc.chain) chain += (chain.empty() ? "" : " -> ") + f;
  out += fmt::format("  files      {}\n  model      {}\n", chain, loaded.model.dir);
  std::string views;
  for (const auto& v : sc.views) views += (views.empty() ? "" : ", ") + v;
  out += fmt::format("  views      {}\n", views.empty() ? "(none)" : views);
  out += fmt::format("  overrides  {}\n", sc.overrides.size());
  for (const auto& o : sc.overrides)
    out += fmt::format("    {} = {}  ({}{})\n", o.path, o.value, o.loc.file,
                       o.loc.line ? ":" + std::to_string(o.loc.line) : "");
  out += fmt::format("  shocks     {}\n", sc.shocks.size());
  for (const auto& s : sc.shocks) {
    std::string what;
    for (const auto& a : s.set)
      what += (what.empty() ? " set " : "; set ") + a.variable + " = " + form_text(a.value);
    for (const auto& a : s.add)
      what += (what.empty() ? " add " : "; add ") + a.variable + " += " + form_text(a.value);
    out += fmt::format("    {} at steps {}-{} (p={}{}):{}\n", s.id, s.from, s.to, s.probability,
                       s.when_text.empty() ? "" : ", when " + s.when_text, what);
  }
  out += fmt::format("  pins       {}\n", sc.pins.size());
  for (const auto& p : sc.pins)
    out += fmt::format("    {}.{} = {} at steps {}-{}\n", p.actor, p.track, p.option, p.from, p.to);
  out += fmt::format(
      "  run        {} runs x {} steps (weeks from {}), seed {}, {} threads -> {}/{}\n",
      ro.plan.runs, ro.plan.steps, iso(loaded.model.start_date), ro.plan.seed, ro.plan.threads,
      ro.out_dir, std::filesystem::exists(ro.out_dir) && !ro.force ? " (exists: add --force)" : "");
  if (ro.shard.active())
    out += fmt::format(
        "  shard      {}/{}: runs {} to {} of {}, into a shard folder for `stancesim merge`\n",
        ro.shard.index, ro.shard.count, ro.shard.first(ro.plan.runs),
        ro.shard.end(ro.plan.runs) - 1, ro.plan.runs);
  if (ro.resume)
    out += "  resume     from the last checkpoint of an interrupted run, if there is one\n";
  out += fmt::format("  outputs    {}manifest.json\n", [&] {
    std::string files;
    const OutputSet& o = ro.outputs;
    for (const auto& [on, name] : {std::pair{o.decisions, "decisions.csv"},
                                   {o.state, "state.csv"},
                                   {o.events, "events.csv"},
                                   {ro.plan.explain_runs > 0, "utilities.csv"},
                                   {o.outcomes, "outcomes.csv"},
                                   {o.outcomes_long, "outcomes_long.csv"},
                                   {o.summary && !ro.shard.active(), "summary.csv"},
                                   {o.metrics(), "metrics.csv"},
                                   {ro.shard.active(), "outcomes.f64"}})
      if (on) files += std::string(name) + ", ";
    return files;
  }());
  return out;
}

int run_command(const std::vector<std::string>& args,
                const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim run SCENARIO.toml [options]\n\n"
      "Runs a Monte Carlo ensemble of one scenario and writes its CSVs (docs/outputs.md).\n\n"
      "examples: stancesim run scenarios/nk_nuclear_test.toml --runs 1000 --seed 7\n"
      "          stancesim run scenarios/baseline.toml --set term.china.no_nukes.weight=-12 --out "
      "results/nukes\n"
      "          stancesim run scenarios/baseline.toml --runs 100000 --outputs summary,outcomes\n"
      "names for --set, --view and scenario files: stancesim list "
      "parameters|views|variables|options\n"
      "exit codes: 0 done, 1 failure, 2 bad input, 130/143 interrupted (--resume "
      "continues)\n\noptions");
  std::int64_t runs = 0, seed = -1, steps = 0, threads = default_threads(), explain_runs = 20;
  std::string out_dir, model_dir, outputs = "all", shard;
  std::vector<std::string> views, sets, claims_files;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("runs", po::value(&runs), "number of runs (default: the scenario's runs, else 500)")
      ("seed", po::value(&seed), "base seed (default: the scenario's seed, else 1)")
      ("steps", po::value(&steps), "horizon in weeks (default: the scenario's steps, else the model's)")
      ("threads", po::value(&threads)->default_value(threads), "worker threads (default: all cores)")
      ("out", po::value(&out_dir), "output folder (default: results/<scenario name>)")
      ("force", "replace an existing output folder (and start over instead of resuming)")
      ("resume", "finish the run an interruption or a kill left for this --out (checkpoints every 5 s); "
       "the result is byte-identical to an uninterrupted run")
      ("shard", po::value(&shard), "K/N: simulate only the K-th of N near-equal blocks of runs into a "
       "shard folder; `stancesim merge` joins the N shard folders into the whole result")
      ("quiet", "no progress on stderr (shown for work longer than 2 s: a bar on a terminal, a line every 10 s otherwise)")
      ("dry-run", "print what would run (scenario chain, overrides, shocks, pins, runs x steps) and stop")
      ("outputs", po::value(&outputs)->default_value(outputs),
       "files to write, comma-separated: decisions, state, events, outcomes, summary, or all "
       "(these five), and outcomes_long on request (manifest.json always; metrics.csv with "
       "outcome files); e.g. summary,outcomes for large ensembles")
      ("explain", "also write utilities.csv: expected utility of every option by priority")
      ("explain-runs", po::value(&explain_runs)->default_value(explain_runs),
       "with --explain: how many runs, from run 0, utilities.csv covers")
      ("model", po::value(&model_dir), "model folder (default: ../model beside the scenario file)")
      ("view", po::value(&views)->composing(), "analyst view (repeatable; replaces the scenario's view)")
      ("set", po::value(&sets)->composing(), "override a parameter: PATH=VALUE (repeatable)")
      ("claims", po::value(&claims_files)->composing(), "a file of your own [[claim]] tables (user:NAME ids) that scenarios may cite (repeatable)");
  // clang-format on
  std::vector<std::string> files;
  po::variables_map vm;
  if (!parse_arguments(args, opts, files, vm)) return kExitOk;
  if (files.size() != 1) throw InputError("stancesim run: expected one scenario file (see --help)");
  const PlanRequest request = plan_request(vm);
  const OutputSet output_set = OutputSet::parse(outputs);

  ScenarioOptions so{model_dir, views, sets, {}, claims_files};
  LoadedScenario loaded = load_scenario(files[0], so);
  Scenario& sc = loaded.scenario;
  RunOptions ro;
  ro.plan = resolve_plan(request, sc);
  ro.outputs = output_set;
  ro.force = vm.count("force") > 0;
  ro.resume = vm.count("resume") > 0;
  if (!shard.empty()) {
    ro.shard = parse_shard(shard);
    check_shard(ro.shard, ro.plan.runs, "runs");
  }
  ro.out_dir = out_dir.empty() ? "results/" + sc.name : out_dir;
  ro.command_line = command_line;
  if (vm.count("dry-run")) {
    std::cout << dry_run_plan(loaded, ro);
    return kExitOk;
  }
  check_destination(ro.out_dir, ro.force, ro.resume);
  const CompiledModel model = compile(loaded.model, sc);
  const auto start = std::chrono::steady_clock::now();
  Progress progress(sc.name, ro.plan.runs, "runs", vm.count("quiet") > 0);
  ro.progress = [&](int done, int) { progress.update(done); };
  const EnsembleResult result = run_and_write(loaded, model, ro);
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  fmt::print("{}: {} runs x {} steps in {:.2f} s ({} thread{}, peak memory {:.0f} MB) -> {}/\n",
             sc.name, ro.plan.runs, ro.plan.steps, seconds, ro.plan.threads,
             ro.plan.threads == 1 ? "" : "s", static_cast<double>(usage.ru_maxrss) / 1024.0,
             ro.out_dir);
  Comparison table;
  table.reference = ResultInfo{sc.name, ro.out_dir, ro.plan.seed, ro.plan.runs};
  table.metrics = result.metrics;
  for (const Stats& s : result.stats) table.reference_means.push_back(s.mean);
  std::cout << compare_table(table);
  return kExitOk;
}

}  // namespace stancesim::cli
