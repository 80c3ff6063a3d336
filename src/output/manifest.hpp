// manifest.json, which every command writes beside its files (docs/outputs.md), built and read
// with nlohmann::json. Keys keep the order in which they are set (ordered_json) and the text is
// indented by 2 spaces. Reading is strict: a file that is not JSON (at its line and column), a
// key given twice, a missing key, a wrong type or a number out of range is an InputError naming
// the file and what was expected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "output/digest.hpp"

namespace stancesim {

using Json = nlohmann::ordered_json;

// The keys every manifest starts with: "program", "command" (left out when empty: a run's
// manifest), "version" and "git_commit" of the build.
Json manifest_header(const std::string& command);

// The manifest's text: 2-space indent and a final newline; bytes that are not UTF-8 (in a path
// or an argument) are written as U+FFFD.
std::string manifest_text(const Json& manifest);

// An input's path as manifests record it: lexically normal ("scenarios/../model/x.toml" is
// "model/x.toml"), relative to the current directory when it is inside it, else absolute.
// Lexical only: symbolic links are not followed.
std::string manifest_path(const std::filesystem::path& path);

// Appends {"path": manifest_path(path), "sha256": sha256} to the array `files`, unless a file of
// that path is listed already (a file read twice, or by two names of one path).
void add_input_file(Json& files, const std::string& path, const std::string& sha256);

// {"path": path, "rows": rows, "sha256": sha256}: one entry of a manifest's "outputs".
Json output_entry(const std::string& path, const FileDigest& digest);
// Adds "rows" and "sha256" to every entry of `outputs` (objects whose "path" is relative to
// `dir`): from `known` (by path: the digests of the files as they were written), else by reading
// the file.
void digest_outputs(Json& outputs, const std::filesystem::path& dir,
                    const std::map<std::string, FileDigest>& known = {});

// The JSON object in a file, parsed strictly. `what` says what the file should be ("the
// manifest.json of a stancesim result folder"); an error reads
// "FILE:LINE:COL: expected WHAT: DETAIL" (no line and column when there is no position).
Json read_json_object(const std::filesystem::path& path, const std::string& what);
Json parse_json_object(const std::string& text, const std::string& file, const std::string& what);

// Typed, checked access to the keys of a manifest's object (or of an object inside it, whose key
// prefixes the names in messages: 'shard.index').
class JsonFields {
 public:
  JsonFields(const Json& object, std::string file, std::string what, std::string prefix = "");

  bool has(const std::string& key) const;
  const Json& value(const std::string& key) const;  // InputError when missing
  std::string text(const std::string& key) const;
  // A whole number in [lo, hi] (not 1.5, not "1").
  std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi) const;
  bool boolean(const std::string& key) const;
  std::vector<std::string> strings(const std::string& key) const;  // an array of strings
  JsonFields object(const std::string& key) const;
  // Every element of an array of objects.
  std::vector<JsonFields> objects(const std::string& key) const;

  [[noreturn]] void fail(const std::string& key, const std::string& expected,
                         const Json& found) const;
  const std::string& file() const { return file_; }

 private:
  const Json* object_;
  std::string file_, what_, prefix_;
};

}  // namespace stancesim
