#include "output/summary.hpp"

#include <algorithm>
#include <cmath>

#include "output/csv.hpp"

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

std::string summary_csv(const std::string& scenario, const std::vector<std::string>& metrics,
                        const std::vector<double>& outcomes, int runs) {
  CsvBuffer out;
  out.raw("scenario,metric,n,mean,sd,p05,p25,p50,p75,p95\n");
  const std::string name = CsvBuffer::quote(scenario);
  std::vector<double> column(static_cast<std::size_t>(runs));
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    for (int r = 0; r < runs; ++r)
      column[static_cast<std::size_t>(r)] =
          outcomes[static_cast<std::size_t>(r) * metrics.size() + m];
    const Stats s = describe(column);
    out.raw(name).comma().raw(metrics[m]).comma().integer(runs);
    for (double v : {s.mean, s.sd, s.p05, s.p25, s.p50, s.p75, s.p95}) out.comma().fixed4(v);
    out.newline();
  }
  return std::move(out.str());
}

std::string outcomes_csv(const std::string& scenario, const std::vector<std::string>& metrics,
                         const std::vector<double>& outcomes, int runs) {
  CsvBuffer out;
  out.raw("scenario,run");
  for (const auto& m : metrics) out.comma().raw(m);
  out.newline();
  const std::string name = CsvBuffer::quote(scenario);
  for (int r = 0; r < runs; ++r) {
    out.raw(name).comma().integer(r);
    for (std::size_t m = 0; m < metrics.size(); ++m)
      out.comma().fixed4(outcomes[static_cast<std::size_t>(r) * metrics.size() + m]);
    out.newline();
  }
  return std::move(out.str());
}

}  // namespace stancesim
