#include "run/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/compare.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "output/out_file.hpp"
#include "output/output_folder.hpp"
#include "output/summary.hpp"
#include "run/checkpoint.hpp"
#include "run/results.hpp"
#include "run/sinks.hpp"

namespace stancesim {

namespace fs = std::filesystem;
namespace pt = boost::property_tree;

namespace {

struct ShardInfo {
  fs::path dir;
  std::string manifest;  // as written
  std::string base;      // fingerprint() of the whole manifest: equal across shards
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

std::vector<std::string> strings(const pt::ptree& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.second.get_value<std::string>());
  return out;
}

// The whole manifest: the shard's, without its shard line and with the merge's command line.
std::string whole_manifest(const std::string& manifest,
                           const std::vector<std::string>& command_line) {
  std::string out;
  std::istringstream lines(manifest);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("  \"shard\":", 0) == 0) continue;
    if (line.rfind("  \"command_line\":", 0) == 0)
      line = "  \"command_line\": " + json_list(command_line);
    out += line + "\n";
  }
  return out;
}

ShardInfo read_shard(const std::string& dir) {
  ShardInfo s;
  s.dir = dir;
  const fs::path path = s.dir / "manifest.json";
  if (!fs::exists(path))
    throw InputError(SourceLoc{dir, 0, 0}, "not a shard folder (it has no manifest.json)");
  s.manifest = read_text(path);
  pt::ptree tree;
  try {
    std::istringstream in(s.manifest);
    pt::read_json(in, tree);
    const auto shard = tree.get_child_optional("shard");
    if (!shard)
      throw InputError(SourceLoc{path.string(), 0, 0},
                       "not a shard's manifest (no \"shard\"): merge joins the folders written "
                       "with --shard K/N");
    s.kind = tree.get<std::string>("command", "run");
    s.index = shard->get<int>("index");
    s.count = shard->get<int>("count");
    s.first = shard->get<std::int64_t>("first");
    s.end = shard->get<std::int64_t>("end");
    s.files = strings(shard->get_child("files"));
    if (const auto m = shard->get_child_optional("metrics")) s.metrics = strings(*m);
    s.total = tree.get<std::int64_t>(s.kind == "sweep" ? "design_points" : "runs");
    if (s.kind == "run") s.scenario = tree.get<std::string>("scenario");
  } catch (const pt::ptree_error& ex) {
    throw InputError(SourceLoc{path.string(), 0, 0},
                     std::string("expected a stancesim shard manifest: ") + ex.what());
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
    pt::ptree tree;
    std::vector<std::string> names;
    try {
      pt::read_json(path.string(), tree);
      if (tree.get<std::string>("command") != "compare") throw pt::ptree_error("not compare");
      names = strings(tree.get_child("scenarios"));
      paired = tree.get<bool>("paired");
      const int count = tree.get<int>("shard.count");
      if (count != static_cast<int>(dirs.size()))
        throw InputError(SourceLoc{path.string(), 0, 0},
                         fmt::format("a shard of {}, but {} folders were given: merge needs all "
                                     "of them, each once",
                                     count, dirs.size()));
      if (!indices.insert(tree.get<int>("shard.index")).second)
        throw InputError(SourceLoc{path.string(), 0, 0}, "this shard is given twice");
    } catch (const pt::ptree_error& ex) {
      throw InputError(SourceLoc{path.string(), 0, 0},
                       std::string("expected the shard.json of `compare --shard`: ") + ex.what());
    }
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
  write_file_atomically(compare_path, compare_csv(comparison), force);
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
  // Files every shard holds whole (a sweep's design and parameters) are copied from shard 1 after
  // checking they are the same everywhere; row files are joined in shard order.
  const std::vector<std::string> whole = {"design.csv", "parameters.csv"};
  for (const auto& name : one.files) {
    if (name == "manifest.json" || name == kValuesFile) continue;
    OutFile f(dir / name, bytes);
    const bool is_whole = one.kind == "sweep" && std::count(whole.begin(), whole.end(), name);
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
  }
  const std::string manifest = whole_manifest(one.manifest, command_line);
  if (one.kind == "run" && manifest.find("\"summary.csv\"") != std::string::npos) {
    OutcomeColumns columns(one.metrics.size(), dir / ".outcomes.spill");
    for (const auto& s : shards)
      read_values(s.dir / kValuesFile, s.end - s.first, one.metrics.size(),
                  [&](const double* v) { columns.add(v); });
    OutFile f(dir / "summary.csv", bytes);
    f.write(summary_csv(one.scenario, one.metrics, columns.describe_all(),
                        static_cast<int>(one.total)));
    f.close();
  }
  throw_if_interrupted();
  {
    OutFile f(dir / "manifest.json", bytes);
    f.write(manifest);
    f.close();
  }
  folder.commit();
  return result;
}

}  // namespace stancesim
