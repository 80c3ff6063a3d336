// fuzz_scenario: the input is the text of a scenario file, loaded against the shipped model
// (model/) from a folder that also holds every shipped scenario and the bad ones of
// tests/data/bad_scenarios (so `extends = "baseline.toml"` works), then compiled and simulated for
// one run of at most kMaxFuzzSteps weeks.
//
// A scenario's name must equal its file name, so the input is written to <name>.toml when it has
// a line `name = "<name>"` (letters, digits, _ and -), else to fuzz_input.toml. When that is the
// name of a shipped scenario, the input takes its place for this execution, as an edited file
// would.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "fuzz_pipeline.hpp"
#include "scenario/scenario.hpp"

using namespace stancesim;
using namespace stancesim::fuzz;

namespace {
struct Setup {
  fs::path dir;
  ScenarioOptions options;
  Setup() {
    dir = scratch() / "scenarios";
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(source_dir() / "scenarios"))
      if (e.path().extension() == ".toml") fs::create_symlink(e.path(), dir / e.path().filename());
    // The bad scenarios too: their halves of an `extends` cycle, and more names to extend.
    for (const auto& e : fs::directory_iterator(source_dir() / "tests/data/bad_scenarios"))
      if (e.path().extension() == ".toml" && !fs::exists(dir / e.path().filename()))
        fs::create_symlink(e.path(), dir / e.path().filename());
    options.model_dir = (source_dir() / "model").string();
  }
};

// The value of the first line `name = "..."`, if it is a plain name.
std::string scenario_name(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.substr(0, 4) != "name") continue;
    line.remove_prefix(4);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() != '=') continue;
    line.remove_prefix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() != '"') continue;
    line.remove_prefix(1);
    std::string name;
    for (char c : line) {
      if (c == '"') break;
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return {};
      name += c;
    }
    return name.size() <= 64 ? name : std::string();
  }
  return {};
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string name = scenario_name(text);
  if (name.empty()) name = "fuzz_input";
  const fs::path input = setup.dir / (name + ".toml");
  fs::path replaced;  // the shipped or bad scenario the input stands in for
  if (fs::is_symlink(input)) {
    replaced = fs::read_symlink(input);
    fs::remove(input);
  }
  write_file(input, text);
  guarded([&] {
    LoadedScenario loaded = load_scenario(input.string(), setup.options);
    compile_and_run_once(loaded);
  });
  fs::remove(input);
  if (!replaced.empty()) fs::create_symlink(replaced, input);
  return 0;
}
