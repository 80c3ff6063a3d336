// stancesim merge SHARD_DIR... --out DIR: joins the shard folders of one run or sweep (written
// with --shard K/N, in any order) into the result one process would have written.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "run/merge.hpp"

namespace po = boost::program_options;

namespace stancesim::cli {

int merge_command(const std::vector<std::string>& args,
                  const std::vector<std::string>& command_line) {
  po::options_description opts(
      "stancesim merge SHARD_DIR... --out DIR [options]\n\n"
      "Joins the N shard folders of one `run` or `sweep` (each written with --shard K/N, given\n"
      "in any order) into the folder one process would have written: every CSV byte-identical,\n"
      "summary.csv computed exactly from the shards' outcomes.f64, the manifest identical but for\n"
      "its command_line and threads. Refused: a missing or repeated shard, shards of other "
      "inputs.\n\n"
      "example: stancesim run scenarios/baseline.toml --runs 9000 --shard 2/3 --out part2\n"
      "         stancesim merge part1 part2 part3 --out results/baseline\n"
      "exit codes: 0 done, 1 failure, 2 bad input, 130/143 interrupted\n\noptions");
  std::string out_dir;
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("out", po::value(&out_dir), "the merged result folder (required)")
      ("force", "replace an existing result folder");
  // clang-format on
  std::vector<std::string> shards;
  po::variables_map vm;
  if (!parse_arguments(args, opts, shards, vm)) return kExitOk;
  if (shards.empty()) throw InputError("stancesim merge: expected shard folders (see --help)");
  if (out_dir.empty()) throw InputError("stancesim merge: --out DIR is required");
  const MergeResult r = merge_shards(shards, out_dir, vm.count("force") > 0, command_line);
  fmt::print("merged {} shards of a {} ({} {}) -> {}/\n", shards.size(), r.kind, r.items,
             r.kind == "sweep" ? "design points" : "runs", out_dir);
  std::cout << r.table;
  return kExitOk;
}

}  // namespace stancesim::cli
