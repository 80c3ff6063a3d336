// stancesim merge: joins the shard folders of one `run` or `sweep` (run/checkpoint.hpp, --shard
// K/N) into the folder one process would have written: every file byte-identical, the manifest
// too except its command_line (the merge's) and threads (shard 1's). Given the --out folders of
// `compare --shard` (they hold shard.json), it merges every scenario and writes compare.csv and
// the comparison's manifest.json, as `compare` does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stancesim {

struct MergeResult {
  std::string kind;        // "run", "sweep" or "compare"
  std::int64_t items = 0;  // runs or design points in all
  std::uint64_t bytes_written = 0;
  std::string table;  // compare: the comparison's table, as `compare` prints it
};

// Checks that `shards` are the N shards of one piece of work (same inputs and options, each of
// 1..N once) and writes the whole into `out`. InputError (exit 2) for anything that does not fit.
MergeResult merge_shards(const std::vector<std::string>& shards, const std::string& out, bool force,
                         const std::vector<std::string>& command_line);

}  // namespace stancesim
