#include "analysis/manifests.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/sha256.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

const char* const kResultManifest = "the manifest.json of a stancesim result folder";
constexpr std::int64_t kMaxRows = std::numeric_limits<std::int64_t>::max();

// `path` relative to `base` when it is inside it (lexically), else nothing.
std::optional<std::string> inside(const fs::path& path, const fs::path& base) {
  fs::path r = fs::absolute(path).lexically_normal().lexically_relative(
      fs::absolute(base).lexically_normal());
  if (!r.has_filename() && r.has_relative_path()) r = r.parent_path();
  if (r.empty() || *r.begin() == ".." || r == ".") return std::nullopt;
  return r.string();
}

}  // namespace

Json compare_manifest(const std::vector<std::string>& folders, const std::string& out_dir,
                      const std::string& compare_csv_text, bool paired, bool wrote_folders,
                      const std::vector<std::string>& command_line) {
  std::vector<Json> manifests;
  std::vector<fs::path> paths;
  for (const auto& folder : folders) {
    paths.push_back(fs::path(folder) / "manifest.json");
    manifests.push_back(read_json_object(paths.back(), kResultManifest));
  }
  auto fields = [&](std::size_t i) {
    return JsonFields(manifests[i], paths[i].string(), kResultManifest);
  };
  const JsonFields reference = fields(0);
  Json j = manifest_header("compare");
  j["paired"] = paired;
  j["seed"] = reference.integer("seed", 0, limits::kMaxSeed);
  j["runs"] = reference.integer("runs", 1, limits::kMaxRuns);
  j["steps"] = Json::array();
  for (std::size_t i = 0; i < folders.size(); ++i)
    j["steps"].push_back(fields(i).integer("steps", 1, limits::kMaxSteps));
  j["threads"] = reference.integer("threads", 1, limits::kMaxThreads);
  j["scenarios"] = Json::array();
  for (std::size_t i = 0; i < folders.size(); ++i)
    j["scenarios"].push_back(
        Json{{"name", fields(i).text("scenario")},
             {"folder", inside(folders[i], out_dir).value_or(manifest_path(folders[i]))}});
  // Inputs: the scenario folders' own, as they record them (relative to where each ran).
  Json files = Json::array();
  for (std::size_t i = 0; i < folders.size(); ++i)
    for (const auto& f : fields(i).objects("files")) {
      const std::string path = f.text("path");
      bool seen = false;
      for (const auto& g : files) seen = seen || g.at("path") == path;
      if (!seen) files.push_back(Json{{"path", path}, {"sha256", f.text("sha256")}});
    }
  if (!wrote_folders)
    for (const auto& folder : folders)
      for (const char* name : {"outcomes.csv", "manifest.json"}) {
        const std::string path = (fs::path(folder) / name).string();
        add_input_file(files, path, sha256_file(path));
      }
  j["files"] = std::move(files);
  Json outputs = Json::array();
  outputs.push_back(output_entry("compare.csv", digest_text(compare_csv_text)));
  if (wrote_folders)
    for (std::size_t i = 0; i < folders.size(); ++i) {
      const std::string folder = inside(folders[i], out_dir).value_or(folders[i]);
      for (const auto& o : fields(i).objects("outputs"))
        outputs.push_back(Json{{"path", (fs::path(folder) / o.text("path")).string()},
                               {"rows", o.integer("rows", 0, kMaxRows)},
                               {"sha256", o.text("sha256")}});
    }
  j["outputs"] = std::move(outputs);
  j["command_line"] = command_line;
  return j;
}

void check_compare_destination(const std::string& out_dir, bool force) {
  const fs::path path = fs::path(out_dir) / "manifest.json";
  const auto status = fs::symlink_status(path);
  if (!fs::exists(status)) return;
  bool comparison = false;
  if (fs::is_regular_file(status)) {
    try {
      const Json j = read_json_object(path, "a comparison's manifest.json");
      const auto command = j.find("command");
      comparison = command != j.end() && *command == "compare";
    } catch (const InputError&) {
    }
  }
  if (!comparison)
    throw InputError(SourceLoc{path.string(), 0, 0},
                     "exists and is not a comparison's manifest (the folder holds other "
                     "results): choose another --out");
  if (!force)
    throw InputError(SourceLoc{path.string(), 0, 0}, "exists: choose another --out or add --force");
}

}  // namespace stancesim
