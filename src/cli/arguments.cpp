#include "cli/arguments.hpp"

#include <fmt/format.h>

#include <iostream>

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

}  // namespace stancesim::cli
