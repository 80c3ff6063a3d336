// Formats one run's record as rows of decisions.csv, state.csv, events.csv and utilities.csv.
// Schemas: docs/outputs.md.
#pragma once

#include <string>
#include <vector>

#include "engine/simulate.hpp"
#include "output/csv.hpp"

namespace stancesim {

struct RunText {
  CsvBuffer decisions, state, events, utilities;
  void clear() {
    decisions.clear();
    state.clear();
    events.clear();
    utilities.clear();
  }
};

// Which per-week files format() fills (utilities: in explained runs).
struct RunParts {
  bool decisions = true, state = true, events = true;
};

class RunFormatter {
 public:
  explicit RunFormatter(const CompiledModel& model, RunParts parts = {});

  std::string decisions_header() const;
  std::string state_header() const;
  std::string events_header() const;
  std::string utilities_header() const;

  void format(int run, const RunRecord& record, RunText& out) const;

 private:
  void format_decisions(int run, const RunRecord& r, CsvBuffer& out) const;
  void format_state(int run, const RunRecord& r, CsvBuffer& out) const;
  void format_events(int run, const RunRecord& r, CsvBuffer& out) const;
  void format_utilities(int run, const RunRecord& r, CsvBuffer& out) const;
  const CompiledModel& m_;
  RunParts parts_;
  std::string scenario_;  // quoted scenario name
  std::vector<std::vector<std::string>>
      option_cells;  // per slot, per option: actor,track,option,level
  std::vector<std::string> rule_cells, shock_cells;  // rule,actor,detail,claims
  std::vector<std::vector<int>> actor_priorities;    // priorities written per actor
};

}  // namespace stancesim
