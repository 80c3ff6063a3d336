// Command-line parsing shared by the subcommands (Boost.Program_options), and the checks of the
// numbers every ensemble command takes (runs, threads, seed), against core/limits.hpp.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace stancesim::cli {

// Parses `args` against `options`; positional arguments go to `positional`. Prints the options
// and returns false when --help was given. Unknown options throw (exit code 2 in main).
bool parse_arguments(const std::vector<std::string>& args,
                     const boost::program_options::options_description& options,
                     std::vector<std::string>& positional,
                     boost::program_options::variables_map& vm);

// All cores (at most limits::kMaxThreads).
int default_threads();
// InputErrors naming the option and the accepted range.
void check_runs(std::int64_t runs, std::int64_t at_least = 1, const char* option = "--runs");
void check_threads(std::int64_t threads);
void check_seed(std::int64_t seed);
// runs x steps within limits::kMaxRunWeeks.
void check_run_size(std::int64_t runs, std::int64_t steps);

}  // namespace stancesim::cli
