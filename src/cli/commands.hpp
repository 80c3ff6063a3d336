// Subcommands. Each takes the arguments after the subcommand name and returns an exit code.
#pragma once

#include <string>
#include <vector>

namespace stancesim::cli {

int run_command(const std::vector<std::string>& args, const std::vector<std::string>& command_line);
int bench_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args,
                    const std::vector<std::string>& command_line);

// Shared by subcommands: a short table of China's headline outcomes.
std::string headline_table(const std::vector<std::string>& scenarios,
                           const std::vector<std::vector<std::string>>& metrics,
                           const std::vector<std::vector<double>>& outcomes,
                           const std::vector<int>& runs);

}  // namespace stancesim::cli
