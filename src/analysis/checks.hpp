// Validation checks as data (tests/validation/*.toml): the analyses' expectations, evaluated on
// paired ensembles with confidence intervals. A check passes when its whole 95% interval meets
// the expectation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "model/spec.hpp"

namespace stancesim {

enum class CompareOp { less, less_equal, greater, greater_equal, abs_less };

struct Condition {
  CompareOp op = CompareOp::greater;
  double value = 0;
  std::string text;  // as written, e.g. ">= 0.8"
  bool holds(double x) const;
};

struct Window {
  int from = 1, to = 0;  // to = 0: the scenario's horizon
  bool operator<(const Window& o) const { return from != o.from ? from < o.from : to < o.to; }
};

struct Check {
  std::string id, statement, file;
  Claims claims;
  SourceLoc loc, metric_loc;
  std::string scenario, scenario_file;    // name and path
  std::string reference, reference_file;  // empty: a threshold check
  Window window, reference_window;
  std::vector<std::pair<std::string, double>> metric;  // linear combination of outcome metrics
  std::string metric_text;
  bool share_of_runs = false;  // statistic: share of runs meeting `where`; else the mean
  Condition where;
  Condition expect;
};

// Reads check files; scenario names resolve against the file's `[checks] scenarios` folder.
std::vector<Check> load_checks(const std::vector<std::string>& files,
                               const std::map<std::string, std::string>& claims,
                               const std::string& claims_file);

struct CheckResult {
  const Check* check = nullptr;
  double observed = 0, ci_low = 0, ci_high = 0;
  bool passed = false;
};

// Per-run outcomes of each (scenario, window) a set of checks needs.
using WindowedOutcomes = std::map<std::pair<std::string, Window>, EnsembleOutcomes>;

CheckResult evaluate(const Check& check, const WindowedOutcomes& outcomes);

// checks.csv: check,scenario,reference,metric,expected,observed,ci_low,ci_high,passed,claims
std::string checks_csv(const std::vector<CheckResult>& results);
std::string checks_table(const std::vector<CheckResult>& results);

// Wilson score interval of a proportion.
std::pair<double, double> wilson_interval(double successes, double n, double level = 0.95);

}  // namespace stancesim
