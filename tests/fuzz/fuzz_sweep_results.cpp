// fuzz_sweep_results: `stancesim sensitivity` / `discover` reading a sweep's folder (read_sweep)
// made from the input: manifest.json, a NUL byte, design.csv, a NUL byte, points.csv (the rest,
// NUL bytes included). With one NUL there is no points.csv, with none only manifest.json (a
// missing file is refused as designed). If the folder is read: its promises are checked
// (design_points in [1, kMaxDesignPoints], one finite value per point and parameter, a finite mean
// for every scenario, metric and point, and scenario_index / metric_index finding every listed
// name); a broken one aborts (==FINDING==), as a crash would.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analysis/sweep_results.hpp"
#include "core/limits.hpp"
#include "fuzz_common.hpp"

using namespace stancesim;
using namespace stancesim::fuzz;

namespace {

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "\n==FINDING== read_sweep accepted a folder that breaks: %s\n",
               what.c_str());
  std::fflush(stderr);
  std::abort();
}

void check_read(const SweepResults& r) {
  if (r.design_points < 1 || r.design_points > limits::kMaxDesignPoints)
    broken("1 <= design_points <= kMaxDesignPoints (" + std::to_string(r.design_points) + ")");
  if (r.runs < 1 || r.runs > limits::kMaxRuns) broken("1 <= runs <= kMaxRuns");
  const auto points = static_cast<std::size_t>(r.design_points);
  if (r.values.size() != points * r.parameters.size()) broken("design_points x parameters values");
  for (const double v : r.values)
    if (!std::isfinite(v)) broken("finite design values");
  if (r.point_means.size() != points * r.scenarios.size() * r.metrics.size())
    broken("a mean per point, scenario and metric");
  for (const double m : r.point_means)
    if (!std::isfinite(m)) broken("a finite mean for every point, scenario and metric");
  for (std::size_t s = 0; s < r.scenarios.size(); ++s)
    for (std::size_t m = 0; m < r.metrics.size(); ++m)
      if (r.means(s, m).size() != points) broken("means(s, m) holds every point");
  for (const auto& s : r.scenarios)
    if (r.scenario_index(s) < 0) broken("scenario_index finds '" + s + "'");
  for (const auto& m : r.metrics)
    if (r.metric_index(m) < 0) broken("metric_index finds '" + m + "'");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path dir = [] {
    fs::path d = scratch() / "sweep";
    fs::create_directories(d);
    return d;
  }();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::error_code ec;
  for (const char* name : {"manifest.json", "design.csv", "points.csv"}) fs::remove(dir / name, ec);
  // points.csv is the rest, NUL bytes included.
  for (const char* name : {"manifest.json", "design.csv", "points.csv"}) {
    const std::size_t nul =
        std::string_view(name) == "points.csv" ? std::string_view::npos : rest.find('\0');
    write_file(dir / name, rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  guarded([&] { check_read(read_sweep(dir.string())); });
  return 0;
}
