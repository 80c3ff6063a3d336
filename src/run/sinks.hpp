// The sinks the commands share (run/runner.hpp): a result folder's per-run files, the summary over
// runs, and the byte count of the formatted text (bench). Commands with their own needs (the
// checks' kept metrics, a sweep's per-point statistics) define theirs beside them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "output/out_file.hpp"
#include "output/run_format.hpp"
#include "output/summary.hpp"
#include "run/runner.hpp"

namespace stancesim {

// Rows of decisions.csv, state.csv, events.csv, utilities.csv and outcomes.csv (each optional):
// formatted on the workers, written in run order. The files are opened, with their headers, by
// the constructor, in that order.
class CsvFilesSink : public RunSink {
 public:
  struct Files {
    bool decisions = true, state = true, events = true, utilities = false, outcomes = true;
  };
  // `metrics`: the outcome names (window 0) for outcomes.csv.
  CsvFilesSink(const CompiledModel& model, const std::filesystem::path& dir, Files files,
               const std::vector<std::string>& metrics, std::uint64_t& bytes);
  void start(int slots) override;
  void process(int run, const RunRecord& record, const RunOutcomes& outcomes, int slot) override;
  void deliver(int run, const RunOutcomes& outcomes, int slot) override;
  void close();
  const std::vector<std::string>& written() const { return written_; }  // file names, in order

 private:
  struct Slot {
    RunText text;
    CsvBuffer outcome_row;
  };
  RunFormatter formatter_;
  std::string scenario_;  // quoted
  std::size_t metrics_;
  std::vector<std::string> written_;
  std::unique_ptr<OutFile> decisions_, state_, events_, utilities_, outcomes_;
  std::vector<Slot> slots_;
};

// Exact statistics of every outcome metric (window 0) over runs, in bounded memory
// (output/summary.hpp OutcomeColumns, spilling to `spill`).
class SummarySink : public RunSink {
 public:
  SummarySink(std::size_t metrics, const std::filesystem::path& spill) : columns_(metrics, spill) {}
  void deliver(int, const RunOutcomes& outcomes, int) override { columns_.add(outcomes.values); }
  std::vector<Stats> stats() const { return columns_.describe_all(); }

 private:
  OutcomeColumns columns_;
};

// Formats every run's CSV text and counts its bytes without writing (bench).
class FormatOnlySink : public RunSink {
 public:
  explicit FormatOnlySink(const CompiledModel& model) : formatter_(model) {}
  void start(int slots) override { texts_.resize(static_cast<std::size_t>(slots)); }
  void process(int run, const RunRecord& record, const RunOutcomes&, int slot) override;
  void deliver(int, const RunOutcomes&, int slot) override;
  std::uint64_t bytes() const { return bytes_; }

 private:
  RunFormatter formatter_;
  std::vector<RunText> texts_;
  std::uint64_t bytes_ = 0;
};

}  // namespace stancesim
