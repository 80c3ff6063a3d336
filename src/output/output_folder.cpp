#include "output/output_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "output/manifest.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTempPrefix = ".stancesim-tmp-";       // a claimed destination's folder
constexpr const char* kNewPrefix = ".stancesim-new-";        // before it is claimed (microseconds)
constexpr const char* kResumePrefix = ".stancesim-resume-";  // an interrupted writer's checkpoints
constexpr const char* kCheckpoint = ".checkpoint";           // run/checkpoint.hpp

bool fault(const char* name) {
  static const char* injected = std::getenv("STANCESIM_FAULT");
  return injected && std::strcmp(injected, name) == 0;
}
void kill_point(const char* name) {
  if (fault(name)) ::raise(SIGKILL);
}

std::string key_of(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

[[noreturn]] void fail_errno(const std::string& what, const fs::path& path) {
  throw RuntimeFailure(fmt::format("{} {}: {}", what, path.string(), ::strerror(errno)));
}

// Opens `path` and tries to take its lock; returns the descriptor (locked) or -1 when another
// process holds it or it vanished.
int try_lock(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Renames without replacing; false when `to` exists. Falls back to a checked rename on file
// systems without renameat2 flags (the check and the rename are then not one step).
bool rename_noreplace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST || errno == ENOTEMPTY) return false;
  if (errno != EINVAL && errno != ENOSYS) fail_errno("cannot rename " + from.string() + " to", to);
  if (fs::exists(fs::symlink_status(to))) return false;
  if (::rename(from.c_str(), to.c_str()) != 0)
    fail_errno("cannot rename " + from.string() + " to", to);
  return true;
}

// Keeps a killed writer's folder that holds a checkpoint as its destination's resumable state
// (replacing older state of the same destination); true when it did.
bool keep_resumable(const fs::path& folder, const fs::path& resume) {
  if (!fs::exists(folder / kCheckpoint)) return false;
  std::error_code ec;
  fs::remove_all(resume, ec);
  if (::rename(folder.c_str(), resume.c_str()) != 0) return false;
  fmt::print(stderr,
             "stancesim: the work of an interrupted run is kept in {}; the same command with "
             "--resume finishes it\n",
             resume.string());
  return true;
}

// Removes what killed writers left in `parent`: claimed folders nobody holds (kept as resumable
// state when they hold a checkpoint), and unclaimed scratch entries older than a minute (younger
// ones may be a writer's first microseconds).
void remove_stale(const fs::path& parent) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    const bool claimed = name.rfind(kTempPrefix, 0) == 0;
    if (!claimed && name.rfind(kNewPrefix, 0) != 0) continue;
    if (!claimed) {
      std::error_code age_ec;
      const auto modified = fs::last_write_time(entry.path(), age_ec);
      if (age_ec || fs::file_time_type::clock::now() - modified < std::chrono::minutes(1)) continue;
    }
    const int fd = try_lock(entry.path());
    if (fd < 0) continue;  // a live writer's
    if (claimed && keep_resumable(entry.path(), parent / (kResumePrefix +
                                                          name.substr(std::strlen(kTempPrefix))))) {
      ::close(fd);
      continue;
    }
    fmt::print(stderr, "stancesim: removing {}, left by an interrupted run\n",
               entry.path().string());
    std::error_code rm_ec;
    fs::remove_all(entry.path(), rm_ec);
    ::close(fd);
  }
}

fs::path normalised(const std::string& destination) {
  if (destination.empty()) throw InputError("--out: expected a folder name");
  fs::path p = fs::path(destination).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" -> "out"
  const std::string name = p.filename().string();
  if (name.empty() || name == "." || name == "..")
    throw InputError(SourceLoc{destination, 0, 0},
                     "expected a folder name to create or replace, not '" + name + "'");
  return p;
}

}  // namespace

namespace {
// Whether `dir`'s manifest.json is a comparison's, written beside compare.csv in a folder that
// holds the scenario folders (and, by default, results/, other results too).
bool holds_comparison(const fs::path& dir) {
  std::ifstream in(dir / "manifest.json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const Json manifest = Json::parse(text.str(), nullptr, false);
  if (!manifest.is_object()) return false;
  const auto command = manifest.find("command");
  return command != manifest.end() && *command == "compare";
}
}  // namespace

void check_destination(const std::string& destination, bool force, bool resume) {
  const fs::path dest = normalised(destination);
  const fs::path parent = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  const fs::path state = parent / (kResumePrefix + key_of(dest.filename().string()));
  if (!resume && !force && fs::exists(fs::symlink_status(state)))
    throw InputError(SourceLoc{dest.string(), 0, 0},
                     "an interrupted run left the work it had done in " + state.string() +
                         ": add --resume to finish it, or --force to start over");
  const auto status = fs::symlink_status(dest);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status))
    throw InputError(SourceLoc{dest.string(), 0, 0},
                     "exists and is not a folder; stancesim never replaces a file or a link: "
                     "choose another --out");
  if (!force)
    throw InputError(SourceLoc{dest.string(), 0, 0},
                     "output folder exists: choose another --out or add --force");
  if (!fs::is_empty(dest) && !fs::exists(dest / "manifest.json"))
    throw InputError(SourceLoc{dest.string(), 0, 0},
                     "is not a stancesim result folder (it has no manifest.json); --force replaces "
                     "only result folders: choose another --out");
  if (holds_comparison(dest))
    throw InputError(SourceLoc{dest.string(), 0, 0},
                     "holds a comparison (compare.csv and its scenario folders, perhaps other "
                     "results beside them); --force replaces only a result folder: choose another "
                     "--out");
}

OutputFolder::OutputFolder(const std::string& destination, bool force, bool resume)
    : dest_(normalised(destination)), force_(force) {
  check_destination(destination, force, resume);
  parent_ = dest_.has_parent_path() ? dest_.parent_path() : fs::path(".");
  fs::create_directories(parent_);
  remove_stale(parent_);
  const std::string key = key_of(dest_.filename().string());
  temp_ = parent_ / (kTempPrefix + key);
  resume_ = parent_ / (kResumePrefix + key);
  if (fs::exists(fs::symlink_status(resume_))) {
    if (resume) {
      lock_fd_ = try_lock(resume_);
      if (lock_fd_ < 0 || !rename_noreplace(resume_, temp_)) {
        if (lock_fd_ >= 0) ::close(lock_fd_);
        lock_fd_ = -1;
        throw InputError(SourceLoc{dest_.string(), 0, 0},
                         "another stancesim process is writing this folder: wait for it to finish "
                         "or choose another --out");
      }
      resumed_ = true;
      kill_point("kill_after_claim");
      return;
    }
    if (!force)  // found only now: a killed writer's folder, just kept by remove_stale
      throw InputError(SourceLoc{dest_.string(), 0, 0},
                       "an interrupted run left the work it had done in " + resume_.string() +
                           ": add --resume to finish it, or --force to start over");
    fmt::print(stderr, "stancesim: removing {} (--force starts over)\n", resume_.string());
    std::error_code ec;
    fs::remove_all(resume_, ec);
  } else if (resume) {
    fmt::print(stderr, "stancesim: nothing to resume for {}; starting from the beginning\n",
               dest_.string());
  }

  // A fresh folder, locked before it takes the claimed name, so that a claimed folder is always
  // held while its writer lives.
  std::string scratch = (parent_ / (std::string(kNewPrefix) + "XXXXXX")).string();
  if (!::mkdtemp(scratch.data())) fail_errno("cannot create a folder in", parent_);
  lock_fd_ = try_lock(scratch);
  if (lock_fd_ < 0) {
    ::rmdir(scratch.c_str());
    fail_errno("cannot lock", scratch);
  }
  for (int attempt = 0;; ++attempt) {
    if (rename_noreplace(scratch, temp_)) break;
    const int held = try_lock(temp_);
    if (held < 0 || attempt == 2) {
      if (held >= 0) ::close(held);
      ::rmdir(scratch.c_str());
      ::close(lock_fd_);
      lock_fd_ = -1;
      throw InputError(SourceLoc{dest_.string(), 0, 0},
                       "another stancesim process is writing this folder: wait for it to finish "
                       "or choose another --out");
    }
    fmt::print(stderr, "stancesim: removing {}, left by an interrupted run\n", temp_.string());
    std::error_code ec;
    fs::remove_all(temp_, ec);
    ::close(held);
  }
  // Now that no other stancesim can write here, the verdict on the destination is final.
  try {
    check_destination(destination, force);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw;
  }
  kill_point("kill_after_claim");
}

void OutputFolder::commit() {
  kill_point("kill_before_commit");
  if (fault("fail_commit_rename")) {
    errno = EIO;
    fail_errno("cannot publish the result as", dest_);
  }
  const bool exists = fs::exists(fs::symlink_status(dest_));
  if (!exists || !force_) {
    if (!rename_noreplace(temp_, dest_))
      throw RuntimeFailure(dest_.string() +
                           " was created by another program while this run was writing; the "
                           "new result was not published");
  } else if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, dest_.c_str(), RENAME_EXCHANGE) == 0) {
    // temp_ now holds the old result.
    kill_point("kill_after_exchange");
  } else if (errno == EINVAL || errno == ENOSYS) {
    // No atomic swap on this file system: move the old result aside, then the new one in.
    const fs::path aside = parent_ / (std::string(kNewPrefix) + "old-" + key_of(dest_.string()));
    if (::rename(dest_.c_str(), aside.c_str()) != 0) fail_errno("cannot move aside", dest_);
    if (::rename(temp_.c_str(), dest_.c_str()) != 0) {
      const int saved = errno;
      ::rename(aside.c_str(), dest_.c_str());
      errno = saved;
      fail_errno("cannot publish the result as", dest_);
    }
    std::error_code ec;
    fs::remove_all(aside, ec);
  } else {
    fail_errno("cannot publish the result as", dest_);
  }
  committed_ = true;
  std::error_code ec;
  fs::remove_all(temp_, ec);  // the old result after a swap; nothing otherwise
  ::close(lock_fd_);
  lock_fd_ = -1;
}

OutputFolder::~OutputFolder() {
  if (!committed_ && !((keep_ || interrupt_signal() != 0) && keep_resumable(temp_, resume_))) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void write_file_atomically(const fs::path& path, std::string_view text, bool force) {
  const auto status = fs::symlink_status(path);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status))
      throw InputError(SourceLoc{path.string(), 0, 0},
                       "exists and is not a file; stancesim replaces only files it wrote");
    if (!force)
      throw InputError(SourceLoc{path.string(), 0, 0},
                       "exists: choose another --out or add --force");
  }
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  fs::create_directories(parent);
  std::string scratch = (parent / (std::string(kNewPrefix) + "XXXXXX")).string();
  const int fd = ::mkstemp(scratch.data());
  if (fd < 0) fail_errno("cannot create a file in", parent);
  ::flock(fd, LOCK_EX);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      ::unlink(scratch.c_str());
      errno = saved;
      fail_errno("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0644);
  const bool published =
      force ? ::rename(scratch.c_str(), path.c_str()) == 0 : rename_noreplace(scratch, path);
  const int saved = errno;
  ::close(fd);
  if (!published) {
    ::unlink(scratch.c_str());
    if (!force) throw InputError(SourceLoc{path.string(), 0, 0}, "exists: add --force");
    errno = saved;
    fail_errno("cannot write", path);
  }
}

}  // namespace stancesim
