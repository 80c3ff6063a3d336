// stancesim check: the analyses' expectations as executable checks on paired ensembles;
// --robustness K repeats them under K parameter sets (Latin hypercube, both analyst views).
#include <fmt/format.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/check_runner.hpp"
#include "analysis/checks.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "model/load.hpp"
#include "output/csv.hpp"
#include "output/manifest.hpp"
#include "output/output_folder.hpp"
#include "run/plan.hpp"
#include "run/progress.hpp"
#include "run/results.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stancesim::cli {

namespace {

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw RuntimeFailure("cannot write " + path.string());
}

std::vector<std::string> default_check_files() {
  std::vector<std::string> files;
  if (fs::is_directory("tests/validation"))
    for (const auto& e : fs::directory_iterator("tests/validation"))
      if (e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw InputError("stancesim check: no check files named and none in tests/validation/");
  return files;
}

// Robustness: every check under each parameter set; returns the CSV files' text.
struct RobustnessText {
  std::string summary, sets, results, table;
};

RobustnessText robustness(const std::vector<Check>& checks, const ModelSpec& spec, int k, int runs,
                          const CheckRunConfig& base) {
  const auto parameters = robustness_parameters(spec);
  const auto sets =
      latin_hypercube(parameters, k, static_cast<std::uint64_t>(base.request.seed.value_or(1)),
                      view_combinations(spec));
  std::vector<int> passed(checks.size(), 0);
  CsvBuffer sets_csv, results_csv;
  sets_csv.raw("set,views");
  for (const auto& p : parameters) sets_csv.comma().raw(p.path);
  sets_csv.newline();
  results_csv.raw("set,check,observed,ci_low,ci_high,passed\n");
  for (int s = 0; s < k; ++s) {
    const ParameterSet& set = sets[static_cast<std::size_t>(s)];
    CheckRunConfig config = base;
    config.request.runs = runs;
    config.views = set.views;
    for (std::size_t p = 0; p < parameters.size(); ++p)
      config.model_sets.push_back(fmt::format("{}={:.17g}", parameters[p].path, set.values[p]));
    std::string view_text;
    for (const auto& v : set.views) view_text += (view_text.empty() ? "" : "+") + v;
    sets_csv.integer(s).comma().raw(view_text);
    for (double v : set.values) sets_csv.comma().fixed4(v);
    sets_csv.newline();
    const WindowedOutcomes outcomes = run_for_checks(checks, config);
    for (std::size_t c = 0; c < checks.size(); ++c) {
      const CheckResult r = evaluate(checks[c], outcomes);
      passed[c] += r.passed;
      results_csv.integer(s)
          .comma()
          .field(checks[c].id)
          .comma()
          .fixed4(r.observed)
          .comma()
          .fixed4(r.ci_low);
      results_csv.comma().fixed4(r.ci_high).comma().raw(r.passed ? "true" : "false").newline();
    }
  }
  RobustnessText out;
  CsvBuffer summary;
  summary.raw("check,scenario,reference,n_sets,share_passed,claims\n");
  out.table = fmt::format(
      "\nrobustness: {} parameter sets x {} runs ({} parameters, views in turn)\n{:<44} {:>12}\n",
      k, runs, parameters.size(), "check", "share held");
  for (std::size_t c = 0; c < checks.size(); ++c) {
    std::string claims;
    for (const auto& id : checks[c].claims) claims += (claims.empty() ? "" : ";") + id;
    const double share = static_cast<double>(passed[c]) / k;
    summary.field(checks[c].id)
        .comma()
        .field(checks[c].scenario)
        .comma()
        .field(checks[c].reference)
        .comma();
    summary.integer(k).comma().fixed4(share).comma().field(claims).newline();
    out.table += fmt::format("{:<44} {:>12.3f}\n", checks[c].id.substr(0, 44), share);
  }
  out.summary = std::move(summary.str());
  out.sets = std::move(sets_csv.str());
  out.results = std::move(results_csv.str());
  return out;
}

// The suite's power against each null model: the share of the checks that expect a change or a
// level (not equivalence) that the null fails. A check that passes under both the all-frozen and
// the all-random null tests no decision: it is listed and makes the command fail.
std::string null_power(const std::vector<CheckResult>& results,
                       const std::vector<std::string>& names, bool& powerless) {
  std::string out =
      fmt::format("\npower against null models (checks that expect a change or a level: {})\n",
                  std::count_if(results.begin(), results.end(),
                                [](const CheckResult& r) { return !r.check->equivalence(); }));
  out += fmt::format("{:<24} {:>8} {:>8}\n", "null model", "fails", "power");
  std::size_t frozen = names.size(), random = names.size();
  for (std::size_t n = 0; n < names.size(); ++n) {
    if (names[n] == "frozen") frozen = n;
    if (names[n] == "random") random = n;
    int total = 0, failed = 0;
    for (const auto& r : results) {
      if (r.check->equivalence()) continue;
      ++total;
      failed += !r.nulls[n].passed;
    }
    out += fmt::format("{:<24} {:>8} {:>8.3f}\n", names[n], failed,
                       total ? static_cast<double>(failed) / total : 0.0);
  }
  std::string both;
  int fail_both = 0, total = 0;
  for (const auto& r : results) {
    if (r.check->equivalence()) continue;
    ++total;
    const bool f = !r.nulls[frozen].passed, rn = !r.nulls[random].passed;
    fail_both += f && rn;
    if (!f && !rn) both += "  " + r.check->id + "\n";
  }
  out += fmt::format("{} of {} fail under both the frozen and the random null\n", fail_both, total);
  powerless = !both.empty();
  if (powerless) out += "passing under both nulls (they test no decision):\n" + both;
  return out;
}

}  // namespace

int check_command(const std::vector<std::string>& args,
                  const std::vector<std::string>& command_line) {
  po::options_description opts("stancesim check [FILE...] [options]");
  std::int64_t runs = 500, threads = default_threads(), robustness_runs = 200;
  int robustness_sets = 0;
  std::int64_t seed = 1;
  std::string out_dir = "results/checks", model_dir = "model";
  std::vector<std::string> files;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("runs", po::value(&runs)->default_value(runs), "runs per scenario")
      ("seed", po::value(&seed)->default_value(seed), "base seed (every scenario: paired runs)")
      ("threads", po::value(&threads)->default_value(threads), "worker threads")
      ("out", po::value(&out_dir)->default_value(out_dir), "output folder for checks.csv")
      ("force", "replace an existing output folder")
      ("model", po::value(&model_dir)->default_value(model_dir), "model folder (claims, robustness parameters)")
      ("null-models", "also run every check on null models (each deciding actor, and all of them, frozen or choosing at random) and report the suite's power")
      ("quiet", "no progress on stderr")
      ("robustness", po::value(&robustness_sets)->default_value(0), "also run K parameter sets (Latin hypercube)")
      ("robustness-runs", po::value(&robustness_runs)->default_value(robustness_runs), "runs per scenario per set");
  // clang-format on
  po::variables_map vm;
  if (!parse_arguments(args, opts, files, vm)) return kExitOk;
  PlanRequest request;
  request.runs = runs;
  request.seed = seed;
  request.threads = threads;
  request.min_runs = 2;
  check_request(request);
  if (robustness_sets < 0 || robustness_sets > 10000)
    throw InputError("--robustness: expected 0 to 10000 parameter sets");
  if (robustness_sets > 0) {
    PlanRequest r = request;
    r.runs = robustness_runs;
    r.runs_option = "--robustness-runs";
    check_request(r);
  }
  if (files.empty()) files = default_check_files();
  // Claimed before the work starts: a second writer is refused at once.
  OutputFolder folder(out_dir, vm.count("force") > 0);

  const ModelSpec spec = load_model(model_dir);
  const std::vector<Check> checks = load_checks(files, spec.claims, model_dir + "/claims.csv");
  CheckRunConfig config;
  config.request = request;
  config.model_dir = model_dir;
  // Progress in ensembles: the checks' own, then each null model's, then each robustness set's.
  const std::size_t per_pass = count_ensembles(checks);
  const std::size_t passes = 1 + (vm.count("null-models") ? null_models(spec).size() : 0) +
                             static_cast<std::size_t>(robustness_sets);
  Progress progress("check", static_cast<std::int64_t>(per_pass * passes), "ensembles",
                    vm.count("quiet") > 0);
  std::int64_t ensembles = 0;
  config.ensemble_done = [&] { progress.update(++ensembles); };
  std::vector<ReadFile> files_read;
  config.files_read = &files_read;
  const WindowedOutcomes outcomes = run_for_checks(checks, config);
  std::vector<CheckResult> results;
  for (const auto& c : checks) results.push_back(evaluate(c, outcomes));
  std::vector<std::string> null_names;
  std::string power;
  bool powerless = false;
  if (vm.count("null-models")) {
    for (const NullModel& null : null_models(spec)) {
      CheckRunConfig nc = config;
      nc.model_sets.insert(nc.model_sets.end(), null.sets.begin(), null.sets.end());
      const WindowedOutcomes o = run_for_checks(checks, nc);
      null_names.push_back(null.name);
      for (std::size_t c = 0; c < checks.size(); ++c) {
        const CheckResult r = evaluate(checks[c], o);
        results[c].nulls.push_back({r.observed, r.passed});
      }
    }
    power = null_power(results, null_names, powerless);
  }

  RobustnessText robust;
  if (robustness_sets > 0)
    robust = robustness(checks, spec, robustness_sets, static_cast<int>(robustness_runs), config);
  progress.finish();  // before the tables, on the same terminal

  const fs::path& tmp = folder.path();
  Json outputs = Json::array();
  auto write_output = [&](const std::string& name, const std::string& text) {
    write_file(tmp / name, text);
    outputs.push_back(output_entry(name, digest_text(text)));
  };
  write_output("checks.csv", checks_csv(results, null_names));
  std::cout << fmt::format("{} checks, {} runs per scenario, seed {}\n", checks.size(), runs, seed)
            << checks_table(results, null_names) << power;
  if (robustness_sets > 0) {
    write_output("check_robustness.csv", robust.summary);
    write_output("robustness_sets.csv", robust.sets);
    write_output("robustness_results.csv", robust.results);
    std::cout << robust.table;
  }
  Json manifest = manifest_header("check");
  manifest["seed"] = seed;
  manifest["runs"] = runs;
  manifest["threads"] = threads;
  manifest["null_models"] = vm.count("null-models") > 0;
  manifest["null_model_names"] = null_names;
  manifest["robustness_sets"] = robustness_sets;
  manifest["robustness_runs"] = robustness_runs;
  manifest["outputs"] = std::move(outputs);
  manifest["check_files"] = Json::array();
  for (const auto& f : files) manifest["check_files"].push_back(manifest_path(f));
  // Inputs: the model (claims, robustness parameters), the check files, the scenarios run.
  Json inputs = Json::array();
  for (const auto& f : spec.files) add_input_file(inputs, f.path, f.sha256);
  for (const auto& f : files) add_input_file(inputs, f, sha256_file(f));
  for (const auto& f : files_read) add_input_file(inputs, f.path, f.sha256);
  manifest["files"] = std::move(inputs);
  manifest["command_line"] = command_line;
  write_file(tmp / "manifest.json", manifest_text(manifest));
  folder.commit();
  fmt::print("wrote {}/checks.csv{}\n", out_dir,
             robustness_sets > 0 ? " and check_robustness.csv" : "");
  const bool all_passed =
      std::all_of(results.begin(), results.end(), [](const CheckResult& r) { return r.passed; });
  return all_passed && !powerless ? kExitOk : kExitFailure;
}

}  // namespace stancesim::cli
