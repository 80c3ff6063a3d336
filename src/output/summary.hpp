// Distribution summaries over runs: summary.csv and outcomes.csv.
#pragma once

#include <string>
#include <vector>

namespace stancesim {

struct Stats {
  double n = 0, mean = 0, sd = 0, p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

// Sample statistics; quantiles interpolate linearly between order statistics (numpy's default).
Stats describe(std::vector<double> values);
double quantile_sorted(const std::vector<double>& sorted, double q);

// outcomes: runs x metrics, row-major.
std::string summary_csv(const std::string& scenario, const std::vector<std::string>& metrics,
                        const std::vector<double>& outcomes, int runs);
std::string outcomes_csv(const std::string& scenario, const std::vector<std::string>& metrics,
                         const std::vector<double>& outcomes, int runs);

}  // namespace stancesim
