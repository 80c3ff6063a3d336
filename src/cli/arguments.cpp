#include "cli/arguments.hpp"

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
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return false;
  }
  return true;
}

}  // namespace stancesim::cli
