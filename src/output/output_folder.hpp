// Every result reaches the disk through this type, so that no result is ever lost or half-written.
//
// A writer claims its destination `<parent>/<name>` by holding a hidden temporary folder
// `<parent>/.stancesim-tmp-<key>` (key: a hash of the name) locked with flock(2) while it writes:
// - a second process writing the same destination is refused at once, with or without --force;
// - a temporary folder that nobody holds was left by a killed process: the next stancesim that
//   writes into the same parent reports it on stderr and removes it;
// - commit() publishes with one rename: a new destination appears complete; an existing one
//   (--force) is swapped with the new one atomically (renameat2 RENAME_EXCHANGE) and the old
//   result is removed after the swap. At every instant the destination holds a complete old or
//   new result;
// - --force replaces only a folder that stancesim wrote (it has a manifest.json) or an empty one:
//   never a file, a link or a folder of something else.
// Not committed (an error or an interruption unwinds past it), the temporary folder is removed;
// except that long work writes checkpoints (run/checkpoint.hpp) into it, and a folder with a
// checkpoint is kept as resumable state `<parent>/.stancesim-resume-<key>` when the work was
// interrupted by a signal, or found unheld after a kill. `--resume` (resume = true) adopts that
// state and continues it; without --resume, a destination with resumable state is refused unless
// --force, which starts over.
//
// Faults can be injected for tests through the environment variable STANCESIM_FAULT:
// kill_after_claim, kill_before_commit, kill_after_exchange (the process SIGKILLs itself at that
// point) and fail_commit_rename (the publishing rename fails with EIO).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace stancesim {

class OutputFolder {
 public:
  // Claims `destination`; throws InputError when it exists and `force` is not given, when it is
  // not a result folder, or when another process is writing it.
  // With `resume`, adopts the destination's resumable state if there is one (resumed()).
  OutputFolder(const std::string& destination, bool force, bool resume = false);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // The folder to write into until commit().
  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& destination() const { return dest_; }
  // Publishes the folder at the destination (see above).
  void commit();
  // Whether the folder is resumable state adopted from an interrupted run (it holds a checkpoint).
  bool resumed() const { return resumed_; }
  // Where resumable state of this destination is kept.
  const std::filesystem::path& resume_path() const { return resume_; }
  // Not committed, the folder is kept as resumable state whatever ends the work (a resumed
  // folder whose checkpoint does not match the command is kept for the right one).
  void keep_unless_committed() { keep_ = true; }

 private:
  std::filesystem::path dest_, parent_, temp_, resume_;
  bool force_ = false, resumed_ = false, keep_ = false;
  int lock_fd_ = -1;
  bool committed_ = false;
};

// Checks that `destination` could be claimed (see OutputFolder) without claiming it: for dry runs
// and for checking every destination before long work starts.
void check_destination(const std::string& destination, bool force, bool resume = false);

// Writes one file: a temporary file beside it, renamed into place when complete. An existing
// file is replaced only with `force` (and never when it is a folder).
void write_file_atomically(const std::filesystem::path& path, std::string_view text, bool force);

}  // namespace stancesim
