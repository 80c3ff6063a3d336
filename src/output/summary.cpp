#include "output/summary.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/error.hpp"

namespace stancesim {

double quantile_sorted(const std::vector<double>& s, double q) {
  if (s.empty()) return NAN;
  const double pos = q * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (pos - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

Stats describe(std::vector<double> v) {
  Stats st;
  st.n = static_cast<double>(v.size());
  if (v.empty()) return st;
  double sum = 0;
  for (double x : v) sum += x;
  st.mean = sum / st.n;
  double ss = 0;
  for (double x : v) ss += (x - st.mean) * (x - st.mean);
  st.sd = v.size() > 1 ? std::sqrt(ss / (st.n - 1)) : 0.0;
  std::sort(v.begin(), v.end());
  st.p05 = quantile_sorted(v, 0.05);
  st.p25 = quantile_sorted(v, 0.25);
  st.p50 = quantile_sorted(v, 0.50);
  st.p75 = quantile_sorted(v, 0.75);
  st.p95 = quantile_sorted(v, 0.95);
  return st;
}

OutcomeColumns::OutcomeColumns(std::size_t metrics, std::filesystem::path spill,
                               std::size_t sort_runs)
    : metrics_(metrics), sort_runs_(sort_runs), spill_path_(std::move(spill)) {}

OutcomeColumns::~OutcomeColumns() {
  if (spill_) {
    std::fclose(spill_);
    std::error_code ec;
    std::filesystem::remove(spill_path_, ec);
  }
}

void OutcomeColumns::add(const double* values) {
  // The chunk grows with the first runs, so a small ensemble holds no more than its outcomes.
  if (chunk_.size() < (in_chunk_ + 1) * metrics_) chunk_.resize((in_chunk_ + 1) * metrics_);
  std::copy_n(values, metrics_, &chunk_[in_chunk_ * metrics_]);
  if (++in_chunk_ < kChunkRuns) return;
  if (!spill_) {
    spill_ = std::fopen(spill_path_.c_str(), "w+b");
    if (!spill_)
      throw RuntimeFailure("cannot create " + spill_path_.string() + ": " + std::strerror(errno));
  }
  block_.resize(kChunkRuns);
  for (std::size_t m = 0; m < metrics_; ++m) {
    for (std::size_t r = 0; r < kChunkRuns; ++r) block_[r] = chunk_[r * metrics_ + m];
    if (std::fwrite(block_.data(), sizeof(double), kChunkRuns, spill_) != kChunkRuns)
      throw RuntimeFailure("cannot write " + spill_path_.string() + ": " + std::strerror(errno));
  }
  ++spilled_;
  in_chunk_ = 0;
}

template <class F>
void OutcomeColumns::for_each_block(std::size_t metric, F f) const {
  if (spill_ && std::fflush(spill_) != 0)
    throw RuntimeFailure("cannot write " + spill_path_.string() + ": " + std::strerror(errno));
  block_.resize(kChunkRuns);
  for (std::size_t c = 0; c < spilled_; ++c) {
    const long offset = static_cast<long>((c * metrics_ + metric) * kChunkRuns * sizeof(double));
    if (std::fseek(spill_, offset, SEEK_SET) != 0 ||
        std::fread(block_.data(), sizeof(double), kChunkRuns, spill_) != kChunkRuns)
      throw RuntimeFailure("cannot read " + spill_path_.string() + ": " + std::strerror(errno));
    f(block_.data(), kChunkRuns);
  }
  for (std::size_t r = 0; r < in_chunk_; ++r) block_[r] = chunk_[r * metrics_ + metric];
  f(block_.data(), in_chunk_);
}

std::vector<double> OutcomeColumns::column(std::size_t metric) const {
  std::vector<double> out;
  out.reserve(runs());
  for_each_block(metric, [&](const double* v, std::size_t n) { out.insert(out.end(), v, v + n); });
  return out;
}

namespace {
// Order-preserving map of doubles to unsigned integers (-0.0 counts as 0.0).
std::uint64_t key_of(double x) {
  if (x == 0) x = 0.0;
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u >> 63) ? ~u : u | (std::uint64_t{1} << 63);
}
double value_of(std::uint64_t k) {
  const std::uint64_t u = (k >> 63) ? k & ~(std::uint64_t{1} << 63) : ~k;
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}
}  // namespace

std::vector<double> OutcomeColumns::select(std::size_t metric,
                                           const std::vector<std::size_t>& ranks) const {
  // Per target rank: the key bits fixed so far and the rank among keys that share them.
  std::vector<std::uint64_t> prefix(ranks.size(), 0);
  std::vector<std::size_t> rank = ranks;
  std::vector<std::uint32_t> counts;
  // 11 bits per pass (the last takes 9): six passes, histograms of 2,048 counters per group.
  constexpr int kDigitBits = 11;
  for (int high = 64; high > 0; high -= kDigitBits) {
    const int shift = std::max(0, high - kDigitBits), width = high - shift;
    const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
    std::vector<std::uint64_t> groups;  // distinct prefixes among the targets
    std::vector<std::size_t> group_of(ranks.size());
    for (std::size_t t = 0; t < ranks.size(); ++t) {
      const auto it = std::find(groups.begin(), groups.end(), prefix[t]);
      group_of[t] = static_cast<std::size_t>(it - groups.begin());
      if (it == groups.end()) groups.push_back(prefix[t]);
    }
    counts.assign(groups.size() << width, 0);
    for_each_block(metric, [&](const double* v, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t k = key_of(v[i]);
        const std::uint64_t digit = (k >> shift) & mask;
        if (high == 64) {
          ++counts[digit];
          continue;
        }
        const std::uint64_t p = k >> high;
        for (std::size_t g = 0; g < groups.size(); ++g)
          if (groups[g] == p) {
            ++counts[(g << width) | digit];
            break;
          }
      }
    });
    for (std::size_t t = 0; t < ranks.size(); ++t) {
      const std::uint32_t* c = &counts[group_of[t] << width];
      std::size_t digit = 0;
      while (rank[t] >= c[digit]) rank[t] -= c[digit++];
      prefix[t] = (prefix[t] << width) | digit;
    }
  }
  std::vector<double> out;
  for (const std::uint64_t k : prefix) out.push_back(value_of(k));
  return out;
}

Stats OutcomeColumns::describe_metric(std::size_t metric) const {
  const std::size_t n = runs();
  if (n <= sort_runs_) return describe(column(metric));
  Stats st;
  st.n = static_cast<double>(n);
  double sum = 0;
  for_each_block(metric, [&](const double* v, std::size_t k) {
    for (std::size_t i = 0; i < k; ++i) sum += v[i];
  });
  st.mean = sum / st.n;
  double ss = 0;
  for_each_block(metric, [&](const double* v, std::size_t k) {
    for (std::size_t i = 0; i < k; ++i) ss += (v[i] - st.mean) * (v[i] - st.mean);
  });
  st.sd = n > 1 ? std::sqrt(ss / (st.n - 1)) : 0.0;
  // As quantile_sorted: the order statistics around each quantile's position.
  const double qs[5] = {0.05, 0.25, 0.50, 0.75, 0.95};
  std::vector<std::size_t> ranks;
  for (double q : qs) {
    const double pos = q * static_cast<double>(n - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    ranks.insert(ranks.end(), {lo, std::min(lo + 1, n - 1)});
  }
  const std::vector<double> at = select(metric, ranks);
  double* fields[5] = {&st.p05, &st.p25, &st.p50, &st.p75, &st.p95};
  for (std::size_t i = 0; i < 5; ++i) {
    const double pos = qs[i] * static_cast<double>(n - 1);
    const double lo = at[2 * i], hi = at[2 * i + 1];
    *fields[i] = lo + (pos - std::floor(pos)) * (hi - lo);
  }
  return st;
}

std::vector<Stats> OutcomeColumns::describe_all() const {
  std::vector<Stats> out;
  out.reserve(metrics_);
  for (std::size_t m = 0; m < metrics_; ++m) out.push_back(describe_metric(m));
  return out;
}

std::string summary_csv(const std::string& scenario, const std::vector<std::string>& metrics,
                        const std::vector<Stats>& stats, int runs) {
  CsvBuffer out;
  out.raw("scenario,metric,n,mean,sd,p05,p25,p50,p75,p95\n");
  const std::string name = CsvBuffer::quote(scenario);
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    const Stats& s = stats[m];
    out.raw(name).comma().raw(metrics[m]).comma().integer(runs);
    for (double v : {s.mean, s.sd, s.p05, s.p25, s.p50, s.p75, s.p95}) out.comma().fixed4(v);
    out.newline();
  }
  return std::move(out.str());
}

std::string outcomes_header(const std::vector<std::string>& metrics) {
  std::string out = "scenario,run";
  for (const auto& m : metrics) out += "," + m;
  return out + "\n";
}

void outcomes_row(CsvBuffer& out, const std::string& quoted_scenario, int run, const double* values,
                  std::size_t metrics) {
  out.raw(quoted_scenario).comma().integer(run);
  for (std::size_t m = 0; m < metrics; ++m) out.comma().fixed4(values[m]);
  out.newline();
}

void outcomes_long_rows(CsvBuffer& out, const std::string& quoted_scenario, int run,
                        const double* values, const std::vector<std::string>& quoted_metrics) {
  for (std::size_t m = 0; m < quoted_metrics.size(); ++m)
    out.raw(quoted_scenario)
        .comma()
        .integer(run)
        .comma()
        .raw(quoted_metrics[m])
        .comma()
        .fixed4(values[m])
        .newline();
}

}  // namespace stancesim
