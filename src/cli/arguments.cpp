#include "cli/arguments.hpp"

#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "core/error.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

bool parse_arguments(const std::vector<std::string>& args, const po::options_description& options,
                     std::vector<std::string>& positional, po::variables_map& vm) {
  po::options_description hidden;
  hidden.add_options()("positional", po::value(&positional));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", -1);
  // No prefix guessing: `--run 10` is an unknown option, not a silent `--runs 10`.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::store(po::command_line_parser(args).options(all).positional(pos).style(style).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return false;
  }
  return true;
}

PlanRequest plan_request(const po::variables_map& vm, std::int64_t min_runs) {
  PlanRequest request;
  request.min_runs = min_runs;
  auto given = [&](const char* key) -> std::optional<std::int64_t> {
    if (vm.count(key) == 0 || vm[key].defaulted()) return std::nullopt;
    return vm[key].as<std::int64_t>();
  };
  request.runs = given("runs");
  request.seed = given("seed");
  request.steps = given("steps");
  if (vm.count("threads")) request.threads = vm["threads"].as<std::int64_t>();
  if (vm.count("explain-runs")) {
    const auto explain_runs = vm["explain-runs"].as<std::int64_t>();
    if (explain_runs < 1) throw InputError("--explain-runs: expected at least 1");
    if (vm.count("explain")) request.explain_runs = explain_runs;
  }
  check_request(request);
  return request;
}

}  // namespace stancesim::cli
