// stancesim sensitivity SWEEP_DIR: global sensitivity indices of a sobol or morris sweep, per
// scenario, metric and parameter, with bootstrap confidence intervals (analysis/sensitivity.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>

#include "analysis/sensitivity.hpp"
#include "analysis/sweep_results.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "output/csv.hpp"
#include "output/manifest.hpp"
#include "output/output_folder.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

int sensitivity_command(const std::vector<std::string>& args,
                        const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim sensitivity SWEEP_DIR [options]\n\n"
      "Sobol' first-order and total indices (a sobol sweep: Saltelli 2010 and Jansen estimators)\n"
      "or Morris mu*, mu and sigma (a morris sweep) of every metric's mean over runs, per\n"
      "scenario and parameter, with percentile-bootstrap intervals. Writes <out>/sensitivity.csv\n"
      "and manifest.json.\n\n"
      "example: stancesim sensitivity results/un_sanctions_after_test --out "
      "results/un_sanctions_sensitivity\n"
      "exit codes: 0 done, 1 failure, 2 bad input\n\noptions");
  int resamples = 1000;
  double confidence = 0.95;
  std::string out_dir;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("resamples", po::value(&resamples)->default_value(resamples), "bootstrap resamples")
      ("confidence", po::value(&confidence)->default_value(confidence), "level of the intervals")
      ("out", po::value(&out_dir), "output folder (default: <SWEEP_DIR>_sensitivity)")
      ("force", "replace an existing output folder");
  // clang-format on
  std::vector<std::string> dirs;
  po::variables_map vm;
  if (!parse_arguments(args, opts, dirs, vm)) return kExitOk;
  if (dirs.size() != 1) throw InputError("stancesim sensitivity: expected one sweep folder");
  if (resamples < 2 || resamples > 100000) throw InputError("--resamples: expected 2 to 100000");
  if (!(confidence > 0 && confidence < 1)) throw InputError("--confidence: expected (0, 1)");
  std::string dir = dirs[0];
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (out_dir.empty()) out_dir = dir + "_sensitivity";
  const SweepResults sweep = read_sweep(dir);
  const bool sobol = sweep.design == "sobol";
  if (!sobol && sweep.design != "morris")
    throw InputError(SourceLoc{dir + "/manifest.json", 0, 0},
                     "a '" + sweep.design +
                         "' sweep: sensitivity indices need a sobol or morris design (for lhs and "
                         "grid sweeps, see stancesim discover)");
  const int k = static_cast<int>(sweep.parameters.size());
  Design morris;
  if (!sobol) {
    morris = morris_design(k, sweep.base_points, sweep.morris_levels, sweep.seed);
    if (morris.rows() != sweep.design_points)
      throw InputError(SourceLoc{dir + "/manifest.json", 0, 0},
                       "the Morris design does not match design_points");
  }
  OutputFolder folder(out_dir, vm.count("force") > 0);
  CsvBuffer csv;
  csv.raw("scenario,metric,parameter,index,estimate,ci_low,ci_high\n");
  std::string table =
      sobol ? fmt::format("{:<24} {:<34} {:<26} {:>22} {:>22}\n", "scenario", "metric", "parameter",
                          "first order [interval]", "total [interval]")
            : fmt::format("{:<24} {:<34} {:<26} {:>22} {:>8} {:>8}\n", "scenario", "metric",
                          "parameter", "mu* [interval]", "mu", "sigma");
  auto cell = [](const Interval& i) {
    return fmt::format("{:.3f} [{:.3f}, {:.3f}]", i.estimate, i.low, i.high);
  };
  auto names = [&](std::size_t s, std::size_t m, std::size_t j) {
    return fmt::format("{:<24} {:<34} {:<26}", sweep.scenarios[s].substr(0, 24),
                       sweep.metrics[m].substr(0, 34), sweep.parameters[j].substr(0, 26));
  };
  auto row = [&](std::size_t s, std::size_t m, int j, const char* index, const Interval& value) {
    csv.field(sweep.scenarios[s]).comma().field(sweep.metrics[m]).comma();
    csv.field(sweep.parameters[static_cast<std::size_t>(j)]).comma().raw(index).comma();
    csv.fixed4(value.estimate).comma().fixed4(value.low).comma().fixed4(value.high).newline();
  };
  for (std::size_t s = 0; s < sweep.scenarios.size(); ++s)
    for (std::size_t m = 0; m < sweep.metrics.size(); ++m) {
      const std::vector<double> y = sweep.means(s, m);
      if (std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); })) {
        fmt::print(stderr, "{} / {}: the metric is the same at every point: no indices\n",
                   sweep.scenarios[s], sweep.metrics[m]);
        continue;
      }
      if (sobol) {
        const SobolIndices ix =
            sobol_indices(y, k, sweep.base_points, resamples, confidence, sweep.seed);
        for (int j = 0; j < k; ++j) {
          const Interval& f = ix.first[static_cast<std::size_t>(j)];
          const Interval& t = ix.total[static_cast<std::size_t>(j)];
          row(s, m, j, "first_order", f);
          row(s, m, j, "total", t);
          table += fmt::format("{} {:>22} {:>22}\n", names(s, m, static_cast<std::size_t>(j)),
                               cell(f), cell(t));
        }
      } else {
        const MorrisIndices ix =
            morris_indices(morris, y, sweep.morris_levels, resamples, confidence, sweep.seed);
        for (int j = 0; j < k; ++j) {
          const auto jj = static_cast<std::size_t>(j);
          row(s, m, j, "mu_star", ix.mu_star[jj]);
          row(s, m, j, "mu", ix.mu[jj]);
          row(s, m, j, "sigma", ix.sigma[jj]);
          table += fmt::format("{} {:>22} {:>8.3f} {:>8.3f}\n", names(s, m, jj),
                               cell(ix.mu_star[jj]), ix.mu[jj].estimate, ix.sigma[jj].estimate);
        }
      }
    }
  write_file_atomically(folder.path() / "sensitivity.csv", csv.str(), false);
  Json manifest = manifest_header("sensitivity");
  manifest["sweep"] = manifest_path(dir);
  manifest["design"] = sweep.design;
  manifest["resamples"] = resamples;
  manifest["confidence"] = confidence;
  manifest["seed"] = sweep.seed;
  manifest["outputs"] = Json::array({output_entry("sensitivity.csv", digest_text(csv.str()))});
  manifest["command_line"] = command_line;
  write_file_atomically(folder.path() / "manifest.json", manifest_text(manifest), false);
  folder.commit();
  std::cout << table;
  fmt::print("wrote {}/sensitivity.csv\n", out_dir);
  return kExitOk;
}

}  // namespace stancesim::cli
