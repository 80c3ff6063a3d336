// stancesim validate FILE...: checks scenario files (with the model they use) and model folders
// without running anything. Every file is checked; the exit code is 2 if any has an error.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "model/load.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stancesim::cli {

namespace {
// A folder, or a file inside a folder holding model.toml, names a model.
std::string model_dir_of(const std::string& path) {
  if (fs::is_directory(path)) return path;
  const fs::path parent = fs::path(path).parent_path();
  const std::string name = fs::path(path).filename().string();
  if (name == "claims.csv" ||
      (fs::exists(parent / "model.toml") && !fs::exists(parent / "scenarios")))
    return parent.empty() ? "." : parent.string();
  return "";
}
}  // namespace

int validate_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "stancesim validate FILE... [options]\n\n"
      "Checks scenario files (with their model) and model folders without running anything: every\n"
      "error as file:line:col with what was expected, and an ok line per good file.\n\n"
      "examples: stancesim validate scenarios/*.toml\n"
      "          stancesim validate my_whatif.toml --model model --claims my_claims.toml\n"
      "          stancesim validate model\n"
      "exit codes: 0 every file is valid, 2 a file has errors\n\noptions");
  std::string model_dir;
  std::vector<std::string> views, sets, files, claims_files;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("model", po::value(&model_dir), "model folder for scenario files (default: ../model beside each)")
      ("view", po::value(&views)->composing(), "analyst view to check with (repeatable)")
      ("set", po::value(&sets)->composing(), "override to check with: PATH=VALUE (repeatable)")
      ("claims", po::value(&claims_files)->composing(), "a file of your own [[claim]] tables (user:NAME ids) that scenarios may cite (repeatable)");
  // clang-format on
  po::variables_map vm;
  if (!parse_arguments(args, opts, files, vm)) return kExitOk;
  if (files.empty())
    throw InputError("stancesim validate: expected at least one file (see --help)");
  int failed = 0;
  for (const auto& file : files) {
    try {
      const std::string dir = model_dir_of(file);
      if (!dir.empty()) {
        const ModelSpec spec = load_model(dir);
        fmt::print("ok    {} (model: {} variables, {} actors, {} terms, {} rules, {} claims)\n",
                   file, spec.variables.size(), spec.actors.size(), spec.terms.size(),
                   spec.rules.size(), spec.claims.size());
        continue;
      }
      const LoadedScenario loaded =
          load_scenario(file, ScenarioOptions{model_dir, views, sets, {}, claims_files});
      const Scenario& s = loaded.scenario;
      std::size_t from_views = 0;  // the views' overrides come first in s.overrides
      for (const auto& name : s.views)
        for (const auto& view : loaded.model.views)
          if (view.name == name) from_views += view.overrides.size();
      fmt::print(
          "ok    {} (scenario '{}': {} overrides{}, {} shocks, {} pins; {} runs x {} steps)\n",
          file, s.name, s.overrides.size(),
          from_views ? fmt::format(" ({} from views)", from_views) : std::string(), s.shocks.size(),
          s.pins.size(), s.runs, s.steps);
    } catch (const InputError& e) {
      ++failed;
      fmt::print(stderr, "{}\n", e.what());
    }
  }
  if (failed) fmt::print(stderr, "{} of {} files have errors\n", failed, files.size());
  return failed ? kExitInput : kExitOk;
}

}  // namespace stancesim::cli
