// Manifests (output/manifest.hpp, output/digest.hpp): normalised input paths, the rows and
// SHA-256 of written files, strict reading.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "output/digest.hpp"
#include "output/manifest.hpp"
#include "output/out_file.hpp"
#include "support.hpp"

using namespace stancesim;
using namespace stancesim::test;

TEST_CASE(
    "manifest paths are lexically normal: relative inside the current folder and else absolute") {
  const fs::path cwd = fs::current_path();
  CHECK(manifest_path("scenarios/../model/x.toml") == "model/x.toml");
  CHECK(manifest_path("./scenarios//baseline.toml") == "scenarios/baseline.toml");
  CHECK(manifest_path("results/run/") == "results/run");
  CHECK(manifest_path(cwd / "model" / "." / "rules.toml") == "model/rules.toml");
  // Outside the current folder: absolute, still normal.
  CHECK(manifest_path("../elsewhere/../x.toml") == (cwd.parent_path() / "x.toml").string());
  CHECK(manifest_path("/no/such/../dir/x.toml") == "/no/dir/x.toml");
  // Listed once, by the normal path.
  Json files = Json::array();
  add_input_file(files, "model/x.toml", "aa");
  add_input_file(files, "scenarios/../model/x.toml", "aa");
  add_input_file(files, "model/y.toml", "bb");
  REQUIRE(files.size() == 2);
  CHECK(files[0]["path"] == "model/x.toml");
  CHECK(files[1]["path"] == "model/y.toml");
}

TEST_CASE("a written file's rows are its records after the header and its SHA-256 its bytes'") {
  struct Case {
    const char* what;
    std::string text;
    std::uint64_t rows;
  };
  const std::vector<Case> cases = {
      {"empty", "", 0},
      {"header only", "a,b\n", 0},
      {"two rows", "a,b\n1,2\n3,4\n", 2},
      {"no final newline", "a,b\n1,2\n3,4", 2},
      {"a quoted newline", "a,b\n\"x\ny\",2\n3,4\n", 2},
      {"doubled quotes", "a,b\n\"say \"\"hi\"\"\n\",2\n", 1},
      {"long", "h\n" + std::string(100000, 'x') + "\n" + std::string(5000, '\n'), 5001},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const FileDigest d = digest_text(c.text);
    CHECK(d.rows == c.rows);
    CHECK(d.sha256 == sha256_hex(c.text));
    // In parts, cut anywhere (inside quotes too), the same.
    for (std::size_t cut = 0; cut <= c.text.size(); cut += 1 + c.text.size() / 7) {
      CsvDigest parts;
      parts.update(std::string_view(c.text).substr(0, cut));
      parts.update(std::string_view(c.text).substr(cut));
      const FileDigest p = parts.finish();
      CHECK(p.rows == d.rows);
      CHECK(p.sha256 == d.sha256);
    }
  }
}

TEST_CASE("a resumed file's digest covers the bytes it kept and those written after") {
  Scratch scratch("manifest");
  const fs::path path = scratch.path() / "rows.csv";
  const std::string kept = "h,v\n\"a\nb\",1\n2,2\n", cut = "3,3\n", rest = "4,4\n5,5\n";
  write_file(path, kept + cut);  // rows written after the checkpoint are cut on resume
  std::uint64_t bytes = 0;
  OutFile f(path, bytes, kept.size());
  f.write(rest);
  f.close();
  const FileDigest d = f.digest();
  CHECK(read_file(path) == kept + rest);
  CHECK(d.sha256 == sha256_file(path.string()));
  CHECK(d.rows == 4);
  const FileDigest again = digest_file(path);
  CHECK(again.rows == d.rows);
  CHECK(again.sha256 == d.sha256);
}

TEST_CASE("manifests are written with their keys in order and two-space indents") {
  Json j;
  j["program"] = "stancesim";
  j["seed"] = 1;
  j["list"] = std::vector<std::string>{"a"};
  j["bytes"] = std::string("a\xff");  // not UTF-8: replaced, not refused
  CHECK(manifest_text(j) ==
        "{\n  \"program\": \"stancesim\",\n  \"seed\": 1,\n  \"list\": [\n    \"a\"\n  ],\n"
        "  \"bytes\": \"a\xef\xbf\xbd\"\n}\n");
}

TEST_CASE("a damaged manifest is refused with where and what was expected") {
  const std::string what = "the manifest.json of a test";
  struct Case {
    const char* what;
    std::string text, key, expected;  // key: read as a whole number in [1, 10]
  };
  const std::vector<Case> cases = {
      {"truncated", "{\n  \"runs\": 3,\n", "runs",
       "m.json:3:1: expected the manifest.json of a test: syntax error"},
      {"not JSON", "runs = 3\n", "runs", "m.json:1:1: expected the manifest.json of a test"},
      {"an array", "[1, 2]\n", "runs",
       "m.json: expected the manifest.json of a test: a JSON object"},
      {"a key twice", "{\"runs\": 3, \"runs\": 4}", "runs",
       "m.json: expected the manifest.json of a test: the key 'runs' is given twice"},
      {"a missing key", "{\"seed\": 3}", "runs",
       "m.json: expected the manifest.json of a test, with a key 'runs'"},
      {"a string for a number", "{\"runs\": \"3\"}", "runs",
       "m.json: 'runs': expected a whole number in [1, 10], found '\"3\"'"},
      {"a fraction", "{\"runs\": 1.5}", "runs",
       "'runs': expected a whole number in [1, 10], found '1.5'"},
      {"negative", "{\"runs\": -1}", "runs", "found '-1'"},
      {"too large", "{\"runs\": 18446744073709551615}", "runs", "found '18446744073709551615'"},
      {"overflow", "{\"runs\": 1e999}", "runs", "m.json: expected the manifest.json of a test:"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    std::string message;
    try {
      const Json j = parse_json_object(c.text, "m.json", what);
      (void)JsonFields(j, "m.json", what).integer(c.key, 1, 10);
    } catch (const InputError& e) {
      message = e.what();
    }
    CAPTURE(message);
    CHECK(message.find(c.expected) != std::string::npos);
  }
  // Nested objects and lists name the key's path.
  const Json j = parse_json_object(
      R"({"shard": {"index": true}, "files": ["a", 2], "outputs": [{"path": 3}]})", "m.json", what);
  const JsonFields top(j, "m.json", what);
  CHECK_THROWS_WITH_AS(top.object("shard").integer("index", 1, 2),
                       "m.json: 'shard.index': expected a whole number in [1, 2], found 'true'",
                       InputError);
  CHECK_THROWS_WITH_AS(top.strings("files"),
                       "m.json: 'files': expected a list of strings, found '2'", InputError);
  CHECK_THROWS_WITH_AS(top.objects("outputs")[0].text("path"),
                       "m.json: 'outputs[0].path': expected a string, found '3'", InputError);
}
