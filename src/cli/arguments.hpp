// Command-line parsing shared by the subcommands (Boost.Program_options). The numbers every
// ensemble command takes (runs, seed, steps, threads) are checked by the run plan (run/plan.hpp).
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace stancesim::cli {

// Parses `args` against `options`; positional arguments go to `positional`. Prints the options
// and returns false when --help was given. Unknown options throw (exit code 2 in main).
bool parse_arguments(const std::vector<std::string>& args,
                     const boost::program_options::options_description& options,
                     std::vector<std::string>& positional,
                     boost::program_options::variables_map& vm);

}  // namespace stancesim::cli
