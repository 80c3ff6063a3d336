// fuzz_model: the input replaces one file of a model folder. The first byte chooses the file
// (its value modulo 9, in the order of kFiles) and the base model (bit 0 of its value / 9: the
// mini model of tests/data/mini with its `plain` scenario, or the shipped model with
// scenarios/baseline.toml); the rest of the input is the file's content. The model is loaded with
// that scenario, compiled and simulated for one run of at most kMaxFuzzSteps weeks.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.hpp"
#include "fuzz_pipeline.hpp"
#include "scenario/scenario.hpp"

using namespace stancesim;
using namespace stancesim::fuzz;

namespace {
constexpr std::array<const char*, 9> kFiles = {"actors.toml", "state.toml",   "dynamics.toml",
                                               "rules.toml",  "utility.toml", "views.toml",
                                               "model.toml",  "derived.toml", "claims.csv"};

struct Base {
  fs::path original;  // the model folder it copies
  fs::path model;     // its copy in the scratch folder
  fs::path scenario;
};

struct Setup {
  std::array<Base, 2> bases;
  Setup() {
    const fs::path src = source_dir();
    const std::array<std::pair<fs::path, fs::path>, 2> from = {
        std::pair{src / "tests/data/mini/model", src / "tests/data/mini/scenarios/plain.toml"},
        std::pair{src / "model", src / "scenarios/baseline.toml"}};
    for (std::size_t b = 0; b < 2; ++b) {
      Base& base = bases[b];
      base.original = from[b].first;
      const fs::path root = scratch() / (b == 0 ? "mini" : "shipped");
      base.model = root / "model";
      copy_folder(base.original, base.model);
      fs::create_directories(root / "scenarios");
      base.scenario = root / "scenarios" / from[b].second.filename();
      fs::copy_file(from[b].second, base.scenario, fs::copy_options::overwrite_existing);
    }
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  if (size < 1) return 0;
  const std::size_t file = data[0] % kFiles.size();
  const Base& base = setup.bases[(data[0] / kFiles.size()) % 2];
  const fs::path target = base.model / kFiles[file];
  write_file(target, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  guarded([&] {
    ScenarioOptions options;
    options.model_dir = base.model.string();
    LoadedScenario loaded = load_scenario(base.scenario.string(), options);
    compile_and_run_once(loaded);
  });
  // Put the original back for the next input.
  fs::copy_file(base.original / kFiles[file], target, fs::copy_options::overwrite_existing);
  return 0;
}
