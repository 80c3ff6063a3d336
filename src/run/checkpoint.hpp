// Long work in parts (docs/scale.md): checkpoints, so that an interrupted or killed run or sweep
// can be finished with --resume, and shards, so that one piece of work can be split over
// processes or machines and merged.
//
// Both rest on one property: the output of run i (or design point p) depends only on the inputs,
// the seed and i, never on which process computed it or when (counter-based random streams), and
// the files are rows in run (point) order. So a result is the concatenation of its parts' rows.
//
// - A checkpoint (`.checkpoint` in the folder being written) records, atomically, how many runs
//   (sweep: point x scenario units) are complete and the length of every file at that moment,
//   with the fingerprint of the inputs. Resuming cuts every file back to its recorded length and
//   continues with the next run.
// - A shard folder holds the rows of its share (--shard K/N: runs, or a sweep's design points,
//   split by a fixed rule), a manifest that is the whole work's manifest plus a "shard" key,
//   and, for runs, outcomes.f64 (every run's outcome metrics as binary doubles), from which
//   `stancesim merge` computes the exact summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "output/manifest.hpp"

namespace stancesim {

struct Checkpoint {
  std::string fingerprint;  // fingerprint() of the manifest the work will write
  std::int64_t done = 0;    // runs, or sweep units, complete
  std::vector<std::pair<std::string, std::uint64_t>> files;  // name, length in bytes
  // A file's checkpointed length; RuntimeFailure when the checkpoint does not record the file.
  std::uint64_t length(const std::string& name) const;
};

inline constexpr const char* kCheckpointFile = ".checkpoint";

// Writes `dir`/.checkpoint atomically (a temporary file renamed over it).
void write_checkpoint(const std::filesystem::path& dir, const Checkpoint& checkpoint);
// The checkpoint in `dir`, or nothing when there is none; RuntimeFailure when it is damaged.
std::optional<Checkpoint> read_checkpoint(const std::filesystem::path& dir);

class OutputFolder;
// The checkpoint of a folder adopted with --resume (OutputFolder::resumed()), checked: made by
// the same inputs and options (`fingerprint`, else an InputError, the state kept for the right
// command) and within [lo, hi] runs or units done. Nothing when the folder was not resumed.
std::optional<Checkpoint> adopt_checkpoint(OutputFolder& folder, const std::string& fingerprint,
                                           std::int64_t lo, std::int64_t hi);
// What an OutFile keeps of `name` (its `keep`): its checkpointed length when resuming, else
// nothing.
std::optional<std::uint64_t> kept_length(const std::optional<Checkpoint>& checkpoint,
                                         const std::string& name);

// What a resumed run must share with the one it continues: the manifest it will write, less the
// keys that may differ (command_line, threads) and the outputs' rows and sha256 (known only at
// the end: only their paths count), hashed.
std::string fingerprint(const Json& manifest);

// When to write the next checkpoint: every STANCESIM_CHECKPOINT_SECONDS (default 5) seconds.
class CheckpointClock {
 public:
  CheckpointClock();
  bool due();  // true at most once per period; restarts the period

 private:
  std::chrono::steady_clock::duration period_;
  std::chrono::steady_clock::time_point last_;
};

// Faults for tests (STANCESIM_FAULT, as in output/output_folder.hpp): with kill_at_unit or
// interrupt_at_unit and STANCESIM_FAULT_AT=N, the N-th call in the process (one per completed
// run or sweep unit, before its checkpoint) flushes `files` and SIGKILLs the process or raises
// SIGINT. The files then hold rows beyond the last checkpoint, as after a real kill.
class OutFile;
void checkpoint_fault(const std::vector<OutFile*>& files);

// --shard K/N: this process's share, the K-th of N (1 <= K <= N).
struct Shard {
  int index = 0, count = 0;  // count 0: not a shard
  bool active() const { return count > 0; }
  // Items [first, end) of `total`: the K-th of N contiguous, near-equal blocks.
  std::int64_t first(std::int64_t total) const { return (index - 1) * total / count; }
  std::int64_t end(std::int64_t total) const { return index * total / count; }
};
// Parses "K/N"; InputError naming --shard otherwise. `items` (runs or design points) must be at
// least N, so that no shard is empty; `what` names them in the error.
Shard parse_shard(const std::string& text);
void check_shard(const Shard& shard, std::int64_t items, const char* what);

// The whole work's manifest with the shard's key inserted before "command_line":
//   "shard": {"index": K, "count": N, "first": F, "end": E, "files": [...], "metrics": [...]}
// first/end: its runs (run) or design points (sweep); files: what the shard folder holds;
// metrics: the columns of outcomes.f64 (runs only; omitted when empty).
Json shard_manifest(const Json& manifest, const Shard& shard, std::int64_t first, std::int64_t end,
                    const std::vector<std::string>& files, const std::vector<std::string>& metrics);

}  // namespace stancesim
