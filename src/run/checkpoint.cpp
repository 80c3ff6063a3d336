#include "run/checkpoint.hpp"

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "output/out_file.hpp"
#include "output/output_folder.hpp"

namespace stancesim {

namespace fs = std::filesystem;

std::uint64_t Checkpoint::length(const std::string& name) const {
  for (const auto& [file, size] : files)
    if (file == name) return size;
  throw RuntimeFailure("cannot resume: the checkpoint does not record " + name);
}

std::optional<Checkpoint> adopt_checkpoint(OutputFolder& folder, const std::string& fingerprint,
                                           std::int64_t lo, std::int64_t hi) {
  if (!folder.resumed()) return std::nullopt;
  std::optional<Checkpoint> c = read_checkpoint(folder.path());
  if (!c || c->fingerprint != fingerprint) {
    folder.keep_unless_committed();
    throw InputError(SourceLoc{folder.destination().string(), 0, 0},
                     "the interrupted work kept in " + folder.resume_path().string() +
                         " was made with other inputs or options; give the same command with "
                         "--resume, or --force without --resume to start over");
  }
  if (c->done < lo || c->done > hi)
    throw RuntimeFailure(folder.resume_path().string() + ": checkpoint out of range");
  return c;
}

std::optional<std::uint64_t> kept_length(const std::optional<Checkpoint>& checkpoint,
                                         const std::string& name) {
  if (!checkpoint) return std::nullopt;
  return checkpoint->length(name);
}

void write_checkpoint(const fs::path& dir, const Checkpoint& c) {
  std::string text =
      fmt::format("stancesim checkpoint 1\nfingerprint {}\ndone {}\n", c.fingerprint, c.done);
  for (const auto& [file, size] : c.files) text += fmt::format("file {} {}\n", size, file);
  write_file_atomically(dir / kCheckpointFile, text, true);
}

std::optional<Checkpoint> read_checkpoint(const fs::path& dir) {
  const fs::path path = dir / kCheckpointFile;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  auto damaged = [&](const std::string& what) {
    return RuntimeFailure(path.string() + ": damaged checkpoint (" + what +
                          "); remove the folder to start over");
  };
  std::string line;
  if (!std::getline(in, line) || line != "stancesim checkpoint 1") throw damaged("first line");
  Checkpoint c;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "fingerprint") {
      fields >> c.fingerprint;
    } else if (key == "done") {
      fields >> c.done;
    } else if (key == "file") {
      std::uint64_t size = 0;
      std::string name;
      fields >> size;
      fields.get();
      std::getline(fields, name);
      if (name.empty()) throw damaged("file line without a name");
      c.files.emplace_back(name, size);
    } else {
      throw damaged("unknown line '" + line + "'");
    }
    if (fields.fail()) throw damaged("line '" + line + "'");
  }
  if (c.fingerprint.size() != 64 || c.done < 0) throw damaged("fingerprint or count");
  return c;
}

std::string fingerprint(const Json& manifest) {
  Json kept;
  for (const auto& [key, value] : manifest.items()) {
    if (key == "command_line" || key == "threads") continue;
    if (key == "outputs" && value.is_array()) {
      Json paths = Json::array();
      for (const auto& o : value)
        paths.push_back(o.is_object() && o.contains("path") ? o["path"] : o);
      kept[key] = std::move(paths);
    } else {
      kept[key] = value;
    }
  }
  return sha256_hex(manifest_text(kept));
}

CheckpointClock::CheckpointClock() : last_(std::chrono::steady_clock::now()) {
  double seconds = 5;
  if (const char* text = std::getenv("STANCESIM_CHECKPOINT_SECONDS")) {
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (end != text && v >= 0) seconds = v;
  }
  period_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

bool CheckpointClock::due() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < period_) return false;
  last_ = now;
  return true;
}

void checkpoint_fault(const std::vector<OutFile*>& files) {
  static const char* fault = std::getenv("STANCESIM_FAULT");
  if (!fault) return;
  const bool kill = std::strcmp(fault, "kill_at_unit") == 0;
  if (!kill && std::strcmp(fault, "interrupt_at_unit") != 0) return;
  static const long at = [] {
    const char* text = std::getenv("STANCESIM_FAULT_AT");
    return text ? std::strtol(text, nullptr, 10) : 1L;
  }();
  static std::atomic<long> calls{0};
  if (++calls != at) return;
  for (OutFile* f : files) f->flush();
  ::raise(kill ? SIGKILL : SIGINT);
}

Shard parse_shard(const std::string& text) {
  Shard s;
  const auto slash = text.find('/');
  auto number = [&](std::string_view part, int& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size();
  };
  const std::string_view view(text);
  if (slash == std::string::npos || !number(view.substr(0, slash), s.index) ||
      !number(view.substr(slash + 1), s.count) || s.count < 1 || s.index < 1 || s.index > s.count)
    throw InputError(
        "--shard: expected K/N with 1 <= K <= N (this process's share, e.g. 2/8), not '" + text +
        "'");
  return s;
}

void check_shard(const Shard& shard, std::int64_t items, const char* what) {
  if (shard.active() && shard.count > items)
    throw InputError(fmt::format("--shard {}/{}: only {} {} to share; ask for at most {} shards",
                                 shard.index, shard.count, items, what, items));
}

Json shard_manifest(const Json& manifest, const Shard& shard, std::int64_t first, std::int64_t end,
                    const std::vector<std::string>& files,
                    const std::vector<std::string>& metrics) {
  Json part{{"index", shard.index}, {"count", shard.count}, {"first", first}, {"end", end}};
  part["files"] = files;
  if (!metrics.empty()) part["metrics"] = metrics;
  Json out;
  for (const auto& [key, value] : manifest.items()) {
    if (key == "command_line") out["shard"] = part;
    out[key] = value;
  }
  if (!out.contains("shard")) throw RuntimeFailure("internal: a manifest without command_line");
  return out;
}

}  // namespace stancesim
