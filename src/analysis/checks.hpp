// Validation checks as data (tests/validation/*.toml): the analyses' expectations, evaluated on
// paired ensembles with confidence intervals. A check passes when its whole 95% interval meets
// the expectation.
#pragma once

#include <map>
#include <string>
#include <tuple>
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

// Which ensemble a check reads: a scenario under analyst views (empty: its own) and a horizon
// (0: its own).
struct EnsembleKey {
  std::string scenario;
  std::vector<std::string> views;
  int steps = 0;
  Window window;
  std::int64_t min_runs = 0;
  bool operator<(const EnsembleKey& o) const {
    return std::tie(scenario, views, steps, window, min_runs) <
           std::tie(o.scenario, o.views, o.steps, o.window, o.min_runs);
  }
};

struct Check {
  std::string id, statement, file;
  Claims claims;
  SourceLoc loc, metric_loc;
  std::string scenario, scenario_file;              // name and path
  std::string reference, reference_file;            // empty: a threshold check
  std::vector<std::string> views, reference_views;  // analyst views (empty: the scenario's own)
  int steps = 0;                                    // horizon for both (0: the scenario's own)
  std::int64_t min_runs = 0;  // both ensembles run at least this many runs (0: the suite's runs)
  std::string control;  // an equivalence check: the check of the same mechanism that must move
  Window window, reference_window;
  std::vector<std::pair<std::string, double>> metric;  // linear combination of outcome metrics
  std::string metric_text;
  bool share_of_runs = false;  // statistic: share of runs meeting `where`; else the mean
  Condition where;
  Condition expect;
  bool equivalence() const { return expect.op == CompareOp::abs_less; }
  EnsembleKey key() const { return {scenario, views, steps, window, min_runs}; }
  EnsembleKey reference_key() const {
    return {reference, reference_views, steps, reference_window, min_runs};
  }
};

// Reads check files; scenario names resolve against the file's `[checks] scenarios` folder.
std::vector<Check> load_checks(const std::vector<std::string>& files,
                               const std::map<std::string, std::string>& claims,
                               const std::string& claims_file);

struct CheckResult {
  const Check* check = nullptr;
  double observed = 0, ci_low = 0, ci_high = 0;
  bool passed = false;
  struct Null {
    double observed = 0;
    bool passed = false;
  };
  std::vector<Null> nulls;  // one per null model, in the order given to checks_csv
};

// "equivalence" (abs < x), "direction" (a paired difference) or "threshold" (a level).
std::string check_kind(const Check& c);

// Per-run outcomes of each ensemble a set of checks needs.
using WindowedOutcomes = std::map<EnsembleKey, EnsembleOutcomes>;

CheckResult evaluate(const Check& check, const WindowedOutcomes& outcomes);

// checks.csv: check,kind,scenario,reference,metric,expected,observed,ci_low,ci_high,passed,claims
// then, with null models, passed_<null>,observed_<null> for each.
std::string checks_csv(const std::vector<CheckResult>& results,
                       const std::vector<std::string>& null_names = {});
std::string checks_table(const std::vector<CheckResult>& results,
                         const std::vector<std::string>& null_names = {});

// Wilson score interval of a proportion.
std::pair<double, double> wilson_interval(double successes, double n, double level = 0.95);

}  // namespace stancesim
