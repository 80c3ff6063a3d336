// stancesim discover SWEEP_DIR: scenario discovery with PRIM (analysis/prim.hpp). A design point
// is a case of interest when its mean of a metric over runs is above (or below) a level; PRIM
// finds the box of parameter values where such points are dense.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>

#include "analysis/prim.hpp"
#include "analysis/sweep_results.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "output/csv.hpp"
#include "output/manifest.hpp"
#include "output/output_folder.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

int discover_command(const std::vector<std::string>& args,
                     const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim discover SWEEP_DIR --metric M (--above X | --below X) [options]\n\n"
      "Scenario discovery (PRIM: Friedman & Fisher 1999, as in the EMA Workbench). A design point\n"
      "is a case of interest when the mean of metric M over its runs is above (below) X. Writes\n"
      "<out>/trajectory.csv (coverage, density, mass of every box peeled, and the chosen box "
      "after\n"
      "pasting), boxes.csv (every box's limits per parameter) and manifest.json.\n\n"
      "example: stancesim discover results/un_sanctions_after_test --metric\n"
      "  ever_china_dprk_un_sanctions --above 0.5\n"
      "exit codes: 0 done, 1 failure, 2 bad input\n\noptions");
  std::string metric, scenario, out_dir;
  double above = 0, below = 0;
  PrimOptions prim_options;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("metric", po::value(&metric), "the outcome metric that defines a case (required)")
      ("above", po::value(&above), "a case: the point's mean is above this level")
      ("below", po::value(&below), "a case: the point's mean is below this level")
      ("scenario", po::value(&scenario), "which of the sweep's scenarios (default: the first)")
      ("threshold", po::value(&prim_options.threshold)->default_value(prim_options.threshold),
       "density wanted for the chosen box")
      ("peel-alpha", po::value(&prim_options.peel_alpha)->default_value(prim_options.peel_alpha),
       "share of the box's points one peel removes")
      ("paste-alpha", po::value(&prim_options.paste_alpha)->default_value(prim_options.paste_alpha),
       "share of the box's points one paste adds")
      ("mass-min", po::value(&prim_options.mass_min)->default_value(prim_options.mass_min),
       "smallest share of the points a box may hold")
      ("out", po::value(&out_dir), "output folder (default: <SWEEP_DIR>_discovery)")
      ("force", "replace an existing output folder");
  // clang-format on
  std::vector<std::string> dirs;
  po::variables_map vm;
  if (!parse_arguments(args, opts, dirs, vm)) return kExitOk;
  if (dirs.size() != 1) throw InputError("stancesim discover: expected one sweep folder");
  if (metric.empty()) throw InputError("stancesim discover: --metric is required");
  if (vm.count("above") + vm.count("below") != 1)
    throw InputError("stancesim discover: give one of --above and --below");
  std::string dir = dirs[0];
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (out_dir.empty()) out_dir = dir + "_discovery";
  const SweepResults sweep = read_sweep(dir);
  const int s = scenario.empty() ? 0 : sweep.scenario_index(scenario);
  if (s < 0) throw InputError("--scenario: '" + scenario + "' is not a scenario of this sweep");
  const int m = sweep.metric_index(metric);
  if (m < 0) {
    std::string known;
    for (const auto& name : sweep.metrics) known += (known.empty() ? "" : ", ") + name;
    throw InputError("--metric: '" + metric +
                     "' is not a metric of this sweep (it keeps: " + known + ")");
  }
  const bool is_above = vm.count("above") > 0;
  const double level = is_above ? above : below;
  const std::vector<double> y =
      sweep.means(static_cast<std::size_t>(s), static_cast<std::size_t>(m));
  std::vector<char> cases(y.size());
  std::size_t n_cases = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    cases[i] = is_above ? y[i] > level : y[i] < level;
    n_cases += static_cast<std::size_t>(cases[i]);
  }
  if (n_cases == 0)
    throw InputError(fmt::format("no design point has a mean of {} {} {}: no case to discover",
                                 metric, is_above ? "above" : "below", level));
  const int k = static_cast<int>(sweep.parameters.size());
  const PrimResult result = prim(sweep.values, k, cases, prim_options);

  OutputFolder folder(out_dir, vm.count("force") > 0);
  CsvBuffer trajectory, boxes;
  trajectory.raw("box,stage,coverage,density,mass,n_restricted,chosen\n");
  boxes.raw("box,stage,parameter,low,high,restricted\n");
  auto add = [&](int box, const char* stage, const Box& b, bool chosen) {
    trajectory.integer(box).comma().raw(stage).comma().fixed4(b.coverage).comma();
    trajectory.fixed4(b.density).comma().fixed4(b.mass).comma().integer(b.n_restricted).comma();
    trajectory.raw(chosen ? "true" : "false").newline();
    for (int j = 0; j < k; ++j) {
      const auto jj = static_cast<std::size_t>(j);
      const bool restricted =
          std::find(b.restricted.begin(), b.restricted.end(), j) != b.restricted.end();
      boxes.integer(box).comma().raw(stage).comma().field(sweep.parameters[jj]).comma();
      boxes.raw(fmt::format("{},{},", b.low[jj], b.high[jj])).raw(restricted ? "true" : "false");
      boxes.newline();
    }
  };
  for (std::size_t i = 0; i < result.trajectory.size(); ++i)
    add(static_cast<int>(i), "peeled", result.trajectory[i], false);
  add(result.chosen, "pasted", result.chosen_box, true);
  write_file_atomically(folder.path() / "trajectory.csv", trajectory.str(), false);
  write_file_atomically(folder.path() / "boxes.csv", boxes.str(), false);
  Json manifest = manifest_header("discover");
  manifest["sweep"] = manifest_path(dir);
  manifest["scenario"] = sweep.scenarios[static_cast<std::size_t>(s)];
  manifest["metric"] = metric;
  manifest["case"] = fmt::format("mean {} {}", is_above ? ">" : "<", level);
  manifest["cases"] = n_cases;
  manifest["points"] = y.size();
  manifest["threshold"] = prim_options.threshold;
  manifest["peel_alpha"] = prim_options.peel_alpha;
  manifest["paste_alpha"] = prim_options.paste_alpha;
  manifest["mass_min"] = prim_options.mass_min;
  manifest["outputs"] = Json::array({output_entry("trajectory.csv", digest_text(trajectory.str())),
                                     output_entry("boxes.csv", digest_text(boxes.str()))});
  manifest["command_line"] = command_line;
  write_file_atomically(folder.path() / "manifest.json", manifest_text(manifest), false);
  folder.commit();

  const Box& b = result.chosen_box;
  fmt::print("{}: {} of {} design points are cases ({} {} {})\n", sweep.experiment, n_cases,
             y.size(), metric, is_above ? ">" : "<", level);
  fmt::print(
      "chosen box (peel {} of {}, then pasted): coverage {:.3f}, density {:.3f}, mass {:.3f}\n",
      result.chosen, result.trajectory.size() - 1, b.coverage, b.density, b.mass);
  for (const int j : b.restricted) {
    const auto jj = static_cast<std::size_t>(j);
    fmt::print("  {:<36} [{:.4g}, {:.4g}]\n", sweep.parameters[jj], b.low[jj], b.high[jj]);
  }
  if (b.restricted.empty()) fmt::print("  (no parameter restricted)\n");
  fmt::print("wrote {}/trajectory.csv and boxes.csv\n", out_dir);
  return kExitOk;
}

}  // namespace stancesim::cli
