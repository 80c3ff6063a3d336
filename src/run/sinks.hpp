// The sinks the commands share (run/runner.hpp): a result folder's per-run files, the summary over
// runs, and the byte count of the formatted text (bench). Commands with their own needs (the
// checks' kept metrics, a sweep's per-point statistics) define theirs beside them.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output/out_file.hpp"
#include "output/run_format.hpp"
#include "output/summary.hpp"
#include "run/checkpoint.hpp"
#include "run/runner.hpp"

namespace stancesim {

// Rows of decisions.csv, state.csv, events.csv, utilities.csv, outcomes.csv and outcomes_long.csv
// (each optional):
// formatted on the workers, written in run order. The files are opened, with their headers, by
// the constructor, in that order.
class CsvFilesSink : public RunSink {
 public:
  struct Files {
    bool decisions = true, state = true, events = true, utilities = false, outcomes = true,
         outcomes_long = false;
  };
  // The file names `files` asks for, in the order they are opened.
  static std::vector<std::string> names(Files files);
  // `metrics`: the outcome names (window 0) for outcomes.csv. With `resume`, every file is cut
  // back to its checkpointed length and continued (no header).
  CsvFilesSink(const CompiledModel& model, const std::filesystem::path& dir, Files files,
               const std::vector<std::string>& metrics, std::uint64_t& bytes,
               const Checkpoint* resume = nullptr);
  void start(int slots) override;
  void process(int run, const RunRecord& record, const RunOutcomes& outcomes, int slot) override;
  void deliver(int run, const RunOutcomes& outcomes, int slot) override;
  void close();
  const std::vector<std::string>& written() const { return written_; }  // file names, in order
  std::vector<OutFile*> files() const;                                  // the open files

 private:
  struct Slot {
    RunText text;
    CsvBuffer outcome_row, outcome_long;
  };
  RunFormatter formatter_;
  std::string scenario_;  // quoted
  std::size_t metrics_;
  std::vector<std::string> quoted_metrics_;  // for outcomes_long.csv
  std::vector<std::string> written_;
  std::unique_ptr<OutFile> decisions_, state_, events_, utilities_, outcomes_, outcomes_long_;
  std::vector<OutFile*> all() const;
  std::vector<Slot> slots_;
};

// Exact statistics of every outcome metric (window 0) over runs, in bounded memory
// (output/summary.hpp OutcomeColumns, spilling to `spill`).
class SummarySink : public RunSink {
 public:
  SummarySink(std::size_t metrics, const std::filesystem::path& spill) : columns_(metrics, spill) {}
  void deliver(int, const RunOutcomes& outcomes, int) override { columns_.add(outcomes.values); }
  void add(const double* values) { columns_.add(values); }  // a run delivered earlier (resume)
  std::vector<Stats> stats() const { return columns_.describe_all(); }

 private:
  OutcomeColumns columns_;
};

// Every run's outcome metrics (window 0) as native binary doubles, run after run: outcomes.f64,
// what a shard hands to `stancesim merge` for the exact summary, and what a resumed run reads
// back into its summary (read_values).
class ValuesSink : public RunSink {
 public:
  ValuesSink(const std::filesystem::path& path, std::size_t metrics, std::uint64_t& bytes,
             std::optional<std::uint64_t> keep = std::nullopt)
      : file_(path, bytes, keep), metrics_(metrics) {}
  void deliver(int, const RunOutcomes& outcomes, int) override {
    file_.write(std::string_view(reinterpret_cast<const char*>(outcomes.values),
                                 metrics_ * sizeof(double)));
  }
  OutFile& file() { return file_; }

 private:
  OutFile file_;
  std::size_t metrics_;
};
// Calls add(values) for each of the first `runs` runs of an outcomes.f64 of `metrics` columns;
// RuntimeFailure when the file is shorter.
void read_values(const std::filesystem::path& path, std::int64_t runs, std::size_t metrics,
                 const std::function<void(const double*)>& add);

// Writes a checkpoint (run/checkpoint.hpp) after a delivered run when one is due: every file is
// flushed and its length recorded with the number of runs complete. Give it last among the sinks.
class CheckpointSink : public RunSink {
 public:
  CheckpointSink(std::filesystem::path dir, std::string fingerprint, std::vector<OutFile*> files)
      : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)), files_(std::move(files)) {}
  void deliver(int run, const RunOutcomes&, int) override;

 private:
  std::filesystem::path dir_;
  std::string fingerprint_;
  std::vector<OutFile*> files_;
  CheckpointClock clock_;
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
