// Distribution summaries over runs (summary.csv) and per-run outcome rows (outcomes.csv).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "output/csv.hpp"

namespace stancesim {

struct Stats {
  double n = 0, mean = 0, sd = 0, p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

// Sample statistics; quantiles interpolate linearly between order statistics (numpy's default).
Stats describe(std::vector<double> values);
double quantile_sorted(const std::vector<double>& sorted, double q);

// Per-run outcomes that arrive one run at a time, summarised exactly in memory that does not grow
// with the number of runs: runs are buffered in chunks of kChunkRuns, and each full chunk is
// spilled to a scratch file as one block per metric. describe_all() summarises one metric at a
// time: a column of up to `sort_runs` runs is read and sorted; a longer one is streamed block by
// block (mean, then sd, then each quantile's order statistics found exactly by radix selection
// on the values' bits, 11 bits per pass). Both give the same numbers as describe().
class OutcomeColumns {
 public:
  static constexpr std::size_t kChunkRuns = 4096;
  static constexpr std::size_t kSortRuns = 65536;
  // `spill`: the scratch file, created on the first full chunk and removed by the destructor.
  OutcomeColumns(std::size_t metrics, std::filesystem::path spill,
                 std::size_t sort_runs = kSortRuns);
  ~OutcomeColumns();
  OutcomeColumns(const OutcomeColumns&) = delete;
  OutcomeColumns& operator=(const OutcomeColumns&) = delete;

  void add(const double* values);  // one run: `metrics` values
  std::size_t runs() const { return spilled_ * kChunkRuns + in_chunk_; }
  std::vector<double> column(std::size_t metric) const;
  std::vector<Stats> describe_all() const;
  Stats describe_metric(std::size_t metric) const;

 private:
  // Calls f(values, n) over the metric's column in run order, one block at a time.
  template <class F>
  void for_each_block(std::size_t metric, F f) const;
  // The values at the given ranks (0-based, ascending order) of the metric's column.
  std::vector<double> select(std::size_t metric, const std::vector<std::size_t>& ranks) const;
  std::size_t metrics_, sort_runs_;
  std::filesystem::path spill_path_;
  std::FILE* spill_ = nullptr;
  std::vector<double> chunk_;          // runs x metrics
  mutable std::vector<double> block_;  // one metric's values of one chunk
  std::size_t in_chunk_ = 0, spilled_ = 0;
};

// summary.csv from one Stats per metric.
std::string summary_csv(const std::string& scenario, const std::vector<std::string>& metrics,
                        const std::vector<Stats>& stats, int runs);
// outcomes.csv: the header, and one run's row appended to `out`.
std::string outcomes_header(const std::vector<std::string>& metrics);
// outcomes_long.csv: the same numbers one per row, `scenario,run,metric,value`.
inline constexpr const char* kOutcomesLongHeader = "scenario,run,metric,value\n";
void outcomes_long_rows(CsvBuffer& out, const std::string& quoted_scenario, int run,
                        const double* values, const std::vector<std::string>& quoted_metrics);
void outcomes_row(CsvBuffer& out, const std::string& quoted_scenario, int run, const double* values,
                  std::size_t metrics);

}  // namespace stancesim
