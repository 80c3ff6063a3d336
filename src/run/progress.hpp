// Progress of long work on stderr, for people and for batch logs. On a terminal: one line redrawn
// at most five times a second, with a bar, the count, the rate and the time left. Otherwise (a
// batch job, stderr to a file or a pipe): a plain line every 10 seconds. Work that ends within the
// first 2 seconds shows nothing, and `quiet` (--quiet) silences it all. STANCESIM_PROGRESS_SECONDS
// changes the 10 seconds (and the 2, to at most that), for tests and impatient logs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace stancesim {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, std::string unit, bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // When the total is known only once the work starts (a sweep's runs).
  void set_total(std::int64_t total) { total_ = total > 0 ? total : 1; }
  // `done` of `total` units are finished (calling thread only).
  void update(std::int64_t done);
  // Ends the terminal line, if one was drawn.
  void finish();

  // The line shown for `done` units after `seconds` (public for tests).
  std::string line(std::int64_t done, double seconds, bool bar) const;

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_, unit_;
  std::int64_t total_;
  bool quiet_, terminal_;
  double delay_, every_;  // seconds before the first line; between plain lines
  Clock::time_point start_, last_;
  bool shown_ = false, finished_ = false;
};

}  // namespace stancesim
