#include "run/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace stancesim {

namespace {

double env_seconds() {
  const char* text = std::getenv("STANCESIM_PROGRESS_SECONDS");
  if (!text) return 10;
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  return end != text && *end == '\0' && v > 0 && v <= 3600 ? v : 10;
}

std::string duration(double seconds) {
  const auto s = static_cast<std::int64_t>(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

}  // namespace

Progress::Progress(std::string label, std::int64_t total, std::string unit, bool quiet)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(std::max<std::int64_t>(total, 1)),
      quiet_(quiet),
      terminal_(::isatty(2) != 0),
      every_(env_seconds()),
      start_(Clock::now()),
      last_(start_) {
  delay_ = std::min(2.0, every_);
}

Progress::~Progress() {
  finish();
}

std::string Progress::line(std::int64_t done, double seconds, bool bar) const {
  const double share = static_cast<double>(done) / static_cast<double>(total_);
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const std::string left =
      rate > 0 ? duration(static_cast<double>(total_ - done) / rate) + " left" : "";
  if (!bar)
    return fmt::format("{}: {}/{} {} ({:.0f}%), {:.0f} {}/s, {} elapsed{}", label_, done, total_,
                       unit_, 100 * share, rate, unit_, duration(seconds),
                       left.empty() ? "" : ", " + left);
  constexpr int kWidth = 24;
  const int filled = std::clamp(static_cast<int>(share * kWidth), 0, kWidth);
  return fmt::format("{} [{}{}] {}/{} {} {:.0f}/s {}", label_, std::string(filled, '#'),
                     std::string(kWidth - filled, '.'), done, total_, unit_, rate,
                     done == total_ ? duration(seconds) : left);
}

void Progress::update(std::int64_t done) {
  if (quiet_ || finished_) return;
  const auto now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - start_).count();
  if (seconds < delay_ && done < total_) return;
  if (!shown_ && done >= total_) return;  // finished before the delay: nothing to report
  const double since = std::chrono::duration<double>(now - last_).count();
  const bool last = done >= total_;  // always shown, once something was
  if (terminal_) {
    if (shown_ && since < 0.2 && !last) return;
    fmt::print(stderr, "\r{}\x1b[K", line(done, seconds, true));
  } else {
    if (shown_ && since < every_ && !last) return;
    fmt::print(stderr, "{}\n", line(done, seconds, false));
  }
  std::fflush(stderr);
  shown_ = true;
  last_ = now;
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (shown_ && terminal_) fmt::print(stderr, "\n");
}

}  // namespace stancesim
