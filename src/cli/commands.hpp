// Subcommands. Each takes the arguments after the subcommand name and returns an exit code.
#pragma once

#include <string>
#include <vector>

namespace stancesim::cli {

int run_command(const std::vector<std::string>& args, const std::vector<std::string>& command_line);
int bench_command(const std::vector<std::string>& args);
int list_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args,
                  const std::vector<std::string>& command_line);
int compare_command(const std::vector<std::string>& args,
                    const std::vector<std::string>& command_line);

int sweep_command(const std::vector<std::string>& args,
                  const std::vector<std::string>& command_line);
int sensitivity_command(const std::vector<std::string>& args,
                        const std::vector<std::string>& command_line);
int merge_command(const std::vector<std::string>& args,
                  const std::vector<std::string>& command_line);
int discover_command(const std::vector<std::string>& args,
                     const std::vector<std::string>& command_line);

}  // namespace stancesim::cli
