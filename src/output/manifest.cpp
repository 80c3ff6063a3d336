#include "output/manifest.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "version.hpp"

namespace stancesim {

namespace fs = std::filesystem;

Json manifest_header(const std::string& command) {
  Json j;
  j["program"] = "stancesim";
  if (!command.empty()) j["command"] = command;
  j["version"] = kVersion;
  j["git_commit"] = kGitCommit;
  return j;
}

std::string manifest_text(const Json& manifest) {
  return manifest.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string manifest_path(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec).lexically_normal();
  if (ec) return path.lexically_normal().string();
  if (!absolute.has_filename() && absolute.has_relative_path()) absolute = absolute.parent_path();
  const fs::path cwd = fs::current_path(ec).lexically_normal();
  if (!ec) {
    const fs::path relative = absolute.lexically_relative(cwd);
    if (!relative.empty() && *relative.begin() != "..") return relative.string();
  }
  return absolute.string();
}

void add_input_file(Json& files, const std::string& path, const std::string& sha256) {
  const std::string normal = manifest_path(path);
  for (const auto& f : files)
    if (f.at("path") == normal) return;
  files.push_back(Json{{"path", normal}, {"sha256", sha256}});
}

Json output_entry(const std::string& path, const FileDigest& digest) {
  return Json{{"path", path}, {"rows", digest.rows}, {"sha256", digest.sha256}};
}

void digest_outputs(Json& outputs, const fs::path& dir,
                    const std::map<std::string, FileDigest>& known) {
  for (auto& o : outputs) {
    const std::string path = o.at("path").get<std::string>();
    const auto it = known.find(path);
    const FileDigest d = it != known.end() ? it->second : digest_file(dir / path);
    o["rows"] = d.rows;
    o["sha256"] = d.sha256;
  }
}

namespace {

// nlohmann's message without its "[json.exception.parse_error.101] " tag.
std::string untagged(const char* what) {
  const std::string text = what;
  const auto close = text.find("] ");
  return text.rfind("[json.exception.", 0) == 0 && close != std::string::npos
             ? text.substr(close + 2)
             : text;
}

std::string shown(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace

Json parse_json_object(const std::string& text, const std::string& file, const std::string& what) {
  // Keys given twice: nlohmann keeps the last, which would hide the first; refused instead.
  std::vector<std::set<std::string>> open;
  std::string repeated;
  const Json::parser_callback_t watch = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      if (!open.empty()) open.pop_back();
    } else if (event == Json::parse_event_t::key && !open.empty() && parsed.is_string()) {
      if (!open.back().insert(parsed.get<std::string>()).second && repeated.empty())
        repeated = parsed.get<std::string>();
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text, watch);
  } catch (const Json::parse_error& ex) {
    // "parse error at line L, column C: DETAIL"
    std::string message = untagged(ex.what());
    int line = 0, column = 0;
    const auto at = message.find("at line ");
    if (at != std::string::npos &&
        std::sscanf(message.c_str() + at, "at line %d, column %d", &line, &column) == 2) {
      const auto colon = message.find(": ", at);
      if (colon != std::string::npos) message = message.substr(colon + 2);
    }
    throw InputError(SourceLoc{file, line, column}, "expected " + what + ": " + message);
  } catch (const Json::exception& ex) {
    throw InputError(SourceLoc{file, 0, 0}, "expected " + what + ": " + untagged(ex.what()));
  }
  if (!repeated.empty())
    throw InputError(SourceLoc{file, 0, 0},
                     "expected " + what + ": the key '" + repeated + "' is given twice");
  if (!j.is_object())
    throw InputError(SourceLoc{file, 0, 0},
                     "expected " + what + ": a JSON object ({...}), found " + shown(j));
  return j;
}

Json read_json_object(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path.string(), 0, 0}, "cannot read (expected " + what + ")");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json_object(text.str(), path.string(), what);
}

JsonFields::JsonFields(const Json& object, std::string file, std::string what, std::string prefix)
    : object_(&object),
      file_(std::move(file)),
      what_(std::move(what)),
      prefix_(std::move(prefix)) {}

bool JsonFields::has(const std::string& key) const {
  return object_->contains(key);
}

const Json& JsonFields::value(const std::string& key) const {
  const auto it = object_->find(key);
  if (it == object_->end())
    throw InputError(SourceLoc{file_, 0, 0},
                     "expected " + what_ + ", with a key '" + prefix_ + key + "'");
  return *it;
}

void JsonFields::fail(const std::string& key, const std::string& expected,
                      const Json& found) const {
  throw InputError(SourceLoc{file_, 0, 0}, fmt::format("'{}{}': expected {}, found '{}'", prefix_,
                                                       key, expected, shown(found)));
}

std::string JsonFields::text(const std::string& key) const {
  const Json& v = value(key);
  if (!v.is_string()) fail(key, "a string", v);
  return v.get<std::string>();
}

std::int64_t JsonFields::integer(const std::string& key, std::int64_t lo, std::int64_t hi) const {
  const Json& v = value(key);
  const std::string expected = fmt::format("a whole number in [{}, {}]", lo, hi);
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (hi < 0 || u > static_cast<std::uint64_t>(hi) || static_cast<std::int64_t>(u) < lo)
      fail(key, expected, v);
    return static_cast<std::int64_t>(u);
  }
  if (!v.is_number_integer()) fail(key, expected, v);
  const auto i = v.get<std::int64_t>();
  if (i < lo || i > hi) fail(key, expected, v);
  return i;
}

bool JsonFields::boolean(const std::string& key) const {
  const Json& v = value(key);
  if (!v.is_boolean()) fail(key, "true or false", v);
  return v.get<bool>();
}

std::vector<std::string> JsonFields::strings(const std::string& key) const {
  const Json& v = value(key);
  if (!v.is_array()) fail(key, "a list of strings", v);
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) fail(key, "a list of strings", item);
    out.push_back(item.get<std::string>());
  }
  return out;
}

JsonFields JsonFields::object(const std::string& key) const {
  const Json& v = value(key);
  if (!v.is_object()) fail(key, "an object ({...})", v);
  return JsonFields(v, file_, what_, prefix_ + key + ".");
}

std::vector<JsonFields> JsonFields::objects(const std::string& key) const {
  const Json& v = value(key);
  if (!v.is_array()) fail(key, "a list of objects", v);
  std::vector<JsonFields> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_object()) fail(key, "a list of objects", v[i]);
    out.emplace_back(v[i], file_, what_, prefix_ + key + "[" + std::to_string(i) + "].");
  }
  return out;
}

}  // namespace stancesim
