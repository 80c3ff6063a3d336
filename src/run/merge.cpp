#include "run/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analysis/compare.hpp"
#include "analysis/manifests.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/limits.hpp"
#include "output/manifest.hpp"
#include "output/out_file.hpp"
#include "output/outcomes.hpp"
#include "output/output_folder.hpp"
#include "output/summary.hpp"
#include "run/checkpoint.hpp"
#include "run/results.hpp"
#include "run/sinks.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

struct ShardInfo {
  fs::path dir;
  Json manifest;     // as written
  std::string base;  // fingerprint() of the whole manifest: equal across shards
  std::string kind, scenario;
  int index = 0, count = 0;
  std::int64_t first = 0, end = 0, total = 0;
  std::vector<std::string> files, metrics;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path.string(), 0, 0}, "cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The whole manifest: the shard's, without its "shard" key and with the merge's command line.
Json whole_manifest(const Json& manifest, const std::vector<std::string>& command_line) {
  Json out = manifest;
  out.erase("shard");
  out["command_line"] = command_line;
  return out;
}

ShardInfo read_shard(const std::string& dir) {
  ShardInfo s;
  s.dir = dir;
  const fs::path path = s.dir / "manifest.json";
  if (!fs::exists(path))
    throw InputError(SourceLoc{dir, 0, 0}, "not a shard folder (it has no manifest.json)");
  s.manifest = read_json_object(path, "a stancesim shard manifest");
  const JsonFields top(s.manifest, path.string(), "a stancesim shard manifest");
  if (!top.has("shard"))
    throw InputError(SourceLoc{path.string(), 0, 0},
                     "not a shard's manifest (no \"shard\"): merge joins the folders written "
                     "with --shard K/N");
  const JsonFields shard = top.object("shard");
  s.kind = top.has("command") ? top.text("command") : "run";
  if (s.kind != "run" && s.kind != "sweep")
    throw InputError(SourceLoc{path.string(), 0, 0},
                     "'command': expected a shard of `run` or `sweep`, found '" + s.kind + "'");
  s.index = static_cast<int>(shard.integer("index", 1, limits::kMaxRuns));
  s.count = static_cast<int>(shard.integer("count", 1, limits::kMaxRuns));
  s.first = shard.integer("first", 0, limits::kMaxRuns);
  s.end = shard.integer("end", 0, limits::kMaxRuns);
  s.files = shard.strings("files");
  if (shard.has("metrics")) s.metrics = shard.strings("metrics");
  s.total = top.integer(s.kind == "sweep" ? "design_points" : "runs", 1, limits::kMaxRuns);
  if (s.kind == "run") s.scenario = top.text("scenario");
  // The whole work's files: the shard's rows, joined, and a run's summary (from outcomes.f64).
  for (const auto& o : top.objects("outputs")) {
    const std::string name = o.text("path");
    if (std::find(s.files.begin(), s.files.end(), name) == s.files.end() &&
        !(s.kind == "run" && name == "summary.csv"))
      throw InputError(SourceLoc{path.string(), 0, 0},
                       "'outputs': names " + name + ", which the shard's files do not hold");
  }
  // What a resumed run must share with the one it continues, shards must share with each other.
  s.base = fingerprint(whole_manifest(s.manifest, {}));
  return s;
}

// Copies `from` into `to`; without its first line (the header, which must equal `header`) when
// `skip_header`.
void append_file(const fs::path& from, OutFile& to, bool skip_header, const std::string& header) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw InputError(SourceLoc{from.string(), 0, 0}, "cannot read");
  if (skip_header) {
    std::string first;
    std::getline(in, first);
    if (first + "\n" != header)
      throw InputError(SourceLoc{from.string(), 1, 1},
                       "its header differs from shard 1's: not shards of one piece of work");
  }
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    to.write(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    throw_if_interrupted();
  }
}

std::string first_line(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line))
    throw InputError(SourceLoc{path.string(), 0, 0}, "expected a CSV file with a header");
  return line + "\n";
}

}  // namespace

namespace {

// The shards of a comparison: every --out folder holds shard.json and one shard folder per
// scenario. Each scenario is merged into <out>/<scenario>, then compared as `compare` does.
MergeResult merge_compare(const std::vector<std::string>& dirs, const std::string& out, bool force,
                          const std::vector<std::string>& command_line) {
  std::vector<std::string> scenarios;
  bool paired = true;
  std::set<int> indices;
  for (const auto& d : dirs) {
    const fs::path path = fs::path(d) / "shard.json";
    const std::string what = "the shard.json of `compare --shard`";
    const Json json = read_json_object(path, what);
    const JsonFields tree(json, path.string(), what);
    if (tree.text("command") != "compare")
      throw InputError(SourceLoc{path.string(), 0, 0}, "'command': expected " + what);
    const std::vector<std::string> names = tree.strings("scenarios");
    paired = tree.boolean("paired");
    const JsonFields shard = tree.object("shard");
    const auto count = shard.integer("count", 1, limits::kMaxRuns);
    if (count != static_cast<std::int64_t>(dirs.size()))
      throw InputError(SourceLoc{path.string(), 0, 0},
                       fmt::format("a shard of {}, but {} folders were given: merge needs all "
                                   "of them, each once",
                                   count, dirs.size()));
    if (!indices.insert(static_cast<int>(shard.integer("index", 1, count))).second)
      throw InputError(SourceLoc{path.string(), 0, 0}, "this shard is given twice");
    if (scenarios.empty()) scenarios = names;
    if (names != scenarios)
      throw InputError(SourceLoc{path.string(), 0, 0}, "compares other scenarios than " +
                                                           dirs.front() +
                                                           ": not shards of one "
                                                           "comparison");
  }
  const fs::path compare_path = fs::path(out) / "compare.csv";
  if (fs::exists(fs::symlink_status(compare_path)) && !force)
    throw InputError(SourceLoc{compare_path.string(), 0, 0},
                     "exists: choose another --out or add --force");
  check_compare_destination(out, force);
  MergeResult result{"compare", 0, 0, {}};
  std::vector<std::string> folders;
  for (const auto& name : scenarios) {
    std::vector<std::string> parts;
    for (const auto& d : dirs) parts.push_back((fs::path(d) / name).string());
    folders.push_back((fs::path(out) / name).string());
    const MergeResult r = merge_shards(parts, folders.back(), force, command_line);
    result.items += r.items;
    result.bytes_written += r.bytes_written;
  }
  const Comparison comparison = compare_result_folders(folders, paired);
  const std::string csv = compare_csv(comparison);
  write_file_atomically(compare_path, csv, force);
  write_file_atomically(
      fs::path(out) / "manifest.json",
      manifest_text(compare_manifest(folders, out, csv, paired, true, command_line)), force);
  result.table = compare_table(comparison);
  return result;
}

}  // namespace

MergeResult merge_shards(const std::vector<std::string>& dirs, const std::string& out, bool force,
                         const std::vector<std::string>& command_line) {
  if (dirs.empty()) throw InputError("stancesim merge: expected shard folders (see --help)");
  if (fs::exists(fs::path(dirs.front()) / "shard.json"))
    return merge_compare(dirs, out, force, command_line);
  std::vector<ShardInfo> shards;
  for (const auto& d : dirs) shards.push_back(read_shard(d));
  std::sort(shards.begin(), shards.end(),
            [](const ShardInfo& a, const ShardInfo& b) { return a.index < b.index; });
  const ShardInfo& one = shards.front();
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const ShardInfo& s = shards[i];
    if (s.count != static_cast<int>(shards.size()))
      throw InputError(SourceLoc{s.dir.string(), 0, 0},
                       fmt::format("is shard {} of {}, but {} shard folders were given: merge "
                                   "needs all of them, each once",
                                   s.index, s.count, shards.size()));
    if (s.index != static_cast<int>(i) + 1)
      throw InputError(
          SourceLoc{s.dir.string(), 0, 0},
          fmt::format("shard {} is given twice (and shard {} is missing)", s.index, i + 1));
    if (s.base != one.base)
      throw InputError(SourceLoc{s.dir.string(), 0, 0},
                       fmt::format("its manifest differs from shard 1's ({}) beyond shard, "
                                   "threads and command line: not shards of one piece of work",
                                   one.dir.string()));
    if (s.first != (i ? shards[i - 1].end : 0) || s.end < s.first ||
        (i + 1 == shards.size() && s.end != s.total))
      throw InputError(SourceLoc{s.dir.string(), 0, 0},
                       "its range does not follow shard " + std::to_string(i) + "'s");
  }

  OutputFolder folder(out, force);
  const fs::path& dir = folder.path();
  MergeResult result;
  result.kind = one.kind;
  result.items = one.total;
  std::uint64_t& bytes = result.bytes_written;
  std::map<std::string, FileDigest> digests;  // of the files as written
  // Files every shard holds whole (a sweep's design and parameters, a run's metrics.csv) are copied
  // from shard 1 after checking they are the same everywhere; row files are joined in shard order.
  const std::vector<std::string> whole = {"design.csv", "parameters.csv", kMetricsFile};
  for (const auto& name : one.files) {
    if (name == "manifest.json" || name == kValuesFile) continue;
    OutFile f(dir / name, bytes);
    const bool is_whole = std::count(whole.begin(), whole.end(), name) > 0;
    const std::string header = first_line(one.dir / name);
    if (is_whole) {
      const std::string text = read_text(one.dir / name);
      for (const auto& s : shards)
        if (read_text(s.dir / name) != text)
          throw InputError(SourceLoc{(s.dir / name).string(), 0, 0},
                           "differs from shard 1's: not shards of one piece of work");
      f.write(text);
    } else {
      for (std::size_t i = 0; i < shards.size(); ++i)
        append_file(shards[i].dir / name, f, i > 0, header);
    }
    f.close();
    digests[name] = f.digest();
  }
  Json manifest = whole_manifest(one.manifest, command_line);
  const bool summary = std::any_of(manifest["outputs"].begin(), manifest["outputs"].end(),
                                   [](const Json& o) { return o.at("path") == "summary.csv"; });
  if (one.kind == "run" && summary) {
    OutcomeColumns columns(one.metrics.size(), dir / ".outcomes.spill");
    for (const auto& s : shards)
      read_values(s.dir / kValuesFile, s.end - s.first, one.metrics.size(),
                  [&](const double* v) { columns.add(v); });
    OutFile f(dir / "summary.csv", bytes);
    f.write(summary_csv(one.scenario, one.metrics, columns.describe_all(),
                        static_cast<int>(one.total)));
    f.close();
    digests["summary.csv"] = f.digest();
  }
  throw_if_interrupted();
  // The whole work's files, as one process would have recorded them.
  digest_outputs(manifest["outputs"], dir, digests);
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(manifest_text(manifest));
    f.close();
  }
  folder.commit();
  return result;
}

}  // namespace stancesim
