#include "cli/arguments.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "core/error.hpp"
#include "core/limits.hpp"

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

int default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return std::clamp(static_cast<int>(n), 1, limits::kMaxThreads);
}

void check_runs(std::int64_t runs, std::int64_t at_least, const char* option) {
  if (runs < at_least || runs > limits::kMaxRuns)
    throw InputError(fmt::format("{}: expected {} to {} runs, found {}", option, at_least,
                                 limits::kMaxRuns, runs));
}

void check_threads(std::int64_t threads) {
  if (threads < 1 || threads > limits::kMaxThreads)
    throw InputError(
        fmt::format("--threads: expected 1 to {}, found {}", limits::kMaxThreads, threads));
}

void check_seed(std::int64_t seed) {
  if (seed < 0 || seed > 2147483647)
    throw InputError(fmt::format("--seed: expected 0 to 2147483647, found {}", seed));
}

void check_run_size(std::int64_t runs, std::int64_t steps) {
  if (runs * steps > limits::kMaxRunWeeks)
    throw InputError(fmt::format(
        "{} runs x {} weeks = {} simulated weeks, more than the limit of {} per ensemble: ask "
        "for fewer --runs or --steps",
        runs, steps, runs * steps, limits::kMaxRunWeeks));
}

}  // namespace stancesim::cli
