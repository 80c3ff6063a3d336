#include "run/sinks.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace stancesim {

std::vector<std::string> CsvFilesSink::names(Files files) {
  std::vector<std::string> out;
  for (const auto& [on, name] : {std::pair{files.decisions, "decisions.csv"},
                                 {files.state, "state.csv"},
                                 {files.events, "events.csv"},
                                 {files.utilities, "utilities.csv"},
                                 {files.outcomes, "outcomes.csv"},
                                 {files.outcomes_long, "outcomes_long.csv"}})
    if (on) out.push_back(name);
  return out;
}

CsvFilesSink::CsvFilesSink(const CompiledModel& model, const std::filesystem::path& dir,
                           Files files, const std::vector<std::string>& metrics,
                           std::uint64_t& bytes, const Checkpoint* resume)
    : formatter_(model, RunParts{files.decisions, files.state, files.events}),
      scenario_(CsvBuffer::quote(model.scenario)),
      metrics_(metrics.size()) {
  auto open = [&](bool wanted, const char* name, const std::string& header) {
    if (!wanted) return std::unique_ptr<OutFile>();
    std::unique_ptr<OutFile> f;
    if (resume) {
      f = std::make_unique<OutFile>(dir / name, bytes, resume->length(name));
    } else {
      f = std::make_unique<OutFile>(dir / name, bytes);
      f->write(header);
    }
    written_.push_back(name);
    return f;
  };
  decisions_ = open(files.decisions, "decisions.csv", formatter_.decisions_header());
  state_ = open(files.state, "state.csv", formatter_.state_header());
  events_ = open(files.events, "events.csv", formatter_.events_header());
  utilities_ = open(files.utilities, "utilities.csv", formatter_.utilities_header());
  outcomes_ = open(files.outcomes, "outcomes.csv", outcomes_header(metrics));
  outcomes_long_ = open(files.outcomes_long, "outcomes_long.csv", kOutcomesLongHeader);
  if (outcomes_long_)
    for (const auto& m : metrics) quoted_metrics_.push_back(CsvBuffer::quote(m));
}

std::vector<OutFile*> CsvFilesSink::all() const {
  return {decisions_.get(), state_.get(),    events_.get(),
          utilities_.get(), outcomes_.get(), outcomes_long_.get()};
}

void CsvFilesSink::start(int slots) {
  slots_.resize(static_cast<std::size_t>(slots));
}

void CsvFilesSink::process(int run, const RunRecord& record, const RunOutcomes& outcomes,
                           int slot) {
  Slot& s = slots_[static_cast<std::size_t>(slot)];
  s.text.clear();
  formatter_.format(run, record, s.text);
  if (outcomes_) {
    s.outcome_row.clear();
    outcomes_row(s.outcome_row, scenario_, run, outcomes.values, metrics_);
  }
  if (outcomes_long_) {
    s.outcome_long.clear();
    outcomes_long_rows(s.outcome_long, scenario_, run, outcomes.values, quoted_metrics_);
  }
}

void CsvFilesSink::deliver(int, const RunOutcomes&, int slot) {
  const Slot& s = slots_[static_cast<std::size_t>(slot)];
  if (decisions_) decisions_->write(s.text.decisions.view());
  if (state_) state_->write(s.text.state.view());
  if (events_) events_->write(s.text.events.view());
  if (utilities_) utilities_->write(s.text.utilities.view());
  if (outcomes_) outcomes_->write(s.outcome_row.view());
  if (outcomes_long_) outcomes_long_->write(s.outcome_long.view());
}

void CsvFilesSink::close() {
  for (auto* f : all())
    if (f) f->close();
}

std::vector<OutFile*> CsvFilesSink::files() const {
  std::vector<OutFile*> out;
  for (auto* f : all())
    if (f) out.push_back(f);
  return out;
}

void read_values(const std::filesystem::path& path, std::int64_t runs, std::size_t metrics,
                 const std::function<void(const double*)>& add) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw RuntimeFailure("cannot read " + path.string() + ": " + std::strerror(errno));
  std::vector<double> row(metrics);
  for (std::int64_t r = 0; r < runs; ++r) {
    if (std::fread(row.data(), sizeof(double), metrics, f) != metrics) {
      std::fclose(f);
      throw RuntimeFailure(fmt::format("{}: expected {} runs of {} outcome metrics, found {}",
                                       path.string(), runs, metrics, r));
    }
    add(row.data());
  }
  std::fclose(f);
}

void CheckpointSink::deliver(int run, const RunOutcomes&, int) {
  checkpoint_fault(files_);
  if (!clock_.due()) return;
  Checkpoint c;
  c.fingerprint = fingerprint_;
  c.done = run + 1;
  for (OutFile* f : files_) {
    f->flush();
    c.files.emplace_back(f->path().filename().string(), f->size());
  }
  write_checkpoint(dir_, c);
}

void FormatOnlySink::process(int run, const RunRecord& record, const RunOutcomes&, int slot) {
  RunText& t = texts_[static_cast<std::size_t>(slot)];
  t.clear();
  formatter_.format(run, record, t);
}

void FormatOnlySink::deliver(int, const RunOutcomes&, int slot) {
  const RunText& t = texts_[static_cast<std::size_t>(slot)];
  bytes_ += t.decisions.size() + t.state.size() + t.events.size() + t.utilities.size();
}

}  // namespace stancesim
