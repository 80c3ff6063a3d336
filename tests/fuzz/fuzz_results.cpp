// fuzz_results: `stancesim compare --results` on a result folder made from the input. Bit 0 of
// the first byte chooses the layout: 0, the rest of the input is outcomes.csv and manifest.json
// is a valid one for scenario "fuzz", seed 1 and (first byte >> 1) runs; 1, the rest is
// manifest.json, a NUL byte, then outcomes.csv (no NUL: manifest.json only, no outcomes.csv).
// The folder is compared, paired and unpaired, with itself and in both orders with a valid
// folder of three runs, as the command does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/compare.hpp"
#include "fuzz_common.hpp"

using namespace stancesim;
using namespace stancesim::fuzz;

namespace {
struct Setup {
  fs::path input, valid;
  Setup() {
    input = scratch() / "results";
    valid = scratch() / "valid";
    fs::create_directories(input);
    fs::create_directories(valid);
    write_file(valid / "manifest.json",
               "{\n  \"scenario\": \"valid\",\n  \"seed\": 1,\n  \"runs\": 3\n}\n");
    write_file(valid / "outcomes.csv",
               "scenario,run,m,final_nk_theatre,mean_level_china_dprk\n"
               "valid,0,1.5,2,1.25\nvalid,1,-0.5,3,1.5\nvalid,2,0,2,1\n");
  }
};

void compare(const std::vector<fs::path>& dirs) {
  for (const bool paired : {true, false}) {
    guarded([&] {
      std::vector<std::string> names;
      for (const auto& d : dirs) names.push_back(d.string());
      const Comparison c = compare_result_folders(names, paired);
      (void)compare_csv(c);
      (void)compare_table(c);
    });
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  if (size < 1) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const fs::path manifest = setup.input / "manifest.json", outcomes = setup.input / "outcomes.csv";
  std::error_code ec;
  fs::remove(outcomes, ec);
  if ((data[0] & 1) == 0) {
    write_file(manifest, "{\n  \"scenario\": \"fuzz\",\n  \"seed\": 1,\n  \"runs\": " +
                             std::to_string(data[0] >> 1) + "\n}\n");
    write_file(outcomes, rest);
  } else {
    const std::size_t nul = rest.find('\0');
    write_file(manifest, rest.substr(0, nul));
    if (nul != std::string_view::npos) write_file(outcomes, rest.substr(nul + 1));
  }
  compare({setup.input, setup.input});
  compare({setup.input, setup.valid});
  compare({setup.valid, setup.input});
  return 0;
}
