// Command-line parsing shared by the subcommands (Boost.Program_options). The numbers every
// ensemble command takes (runs, seed, steps, threads) are checked by the run plan (run/plan.hpp).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "run/plan.hpp"

namespace stancesim::cli {

// Parses `args` against `options`; positional arguments go to `positional`. Prints the options
// and returns false when --help was given. Unknown options throw (exit code 2 in main).
// The run plan's numbers from a parsed command line, checked (run/plan.hpp): --runs, --seed and
// --steps when given, --threads, and --explain-runs when --explain is given. Each option is an
// std::int64_t where the command declares it.
PlanRequest plan_request(const boost::program_options::variables_map& vm,
                         std::int64_t min_runs = 1);

bool parse_arguments(const std::vector<std::string>& args,
                     const boost::program_options::options_description& options,
                     std::vector<std::string>& positional,
                     boost::program_options::variables_map& vm);

}  // namespace stancesim::cli
