#include "analysis/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/limits.hpp"
#include "output/csv.hpp"
#include "output/manifest.hpp"

namespace stancesim {

int EnsembleOutcomes::metric_index(const std::string& name) const {
  const auto it = std::find(metrics.begin(), metrics.end(), name);
  return it == metrics.end() ? -1 : static_cast<int>(it - metrics.begin());
}

namespace {

struct Moments {
  double mean = 0, var = 0;
};

Moments moments(const std::vector<double>& v) {
  Moments m;
  if (v.empty()) return m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  for (double x : v) m.var += (x - m.mean) * (x - m.mean);
  m.var = v.size() > 1 ? m.var / static_cast<double>(v.size() - 1) : 0.0;
  return m;
}

// Fills the interval and two-sided p-value of an estimate with standard error `se` and `df`.
void t_interval(Difference& d, double se, double df, double level) {
  if (!(se > 0) || !(df > 0)) {  // no spread: the difference is exact
    d.ci_low = d.ci_high = d.difference;
    d.p_value = d.difference == 0 ? 1.0 : 0.0;
    return;
  }
  const boost::math::students_t t(df);
  const double q = boost::math::quantile(t, 0.5 + level / 2);
  d.ci_low = d.difference - q * se;
  d.ci_high = d.difference + q * se;
  d.p_value = 2 * boost::math::cdf(boost::math::complement(t, std::abs(d.difference) / se));
}

// From the moments of the per-run differences over n pairs.
Difference paired_from(double mean_reference, double mean_scenario, const Moments& diff, int n,
                       double level) {
  Difference d;
  d.n = n;
  d.mean_reference = mean_reference;
  d.mean_scenario = mean_scenario;
  d.difference = diff.mean;
  t_interval(d, std::sqrt(diff.var / d.n), d.n - 1.0, level);
  return d;
}

Difference welch_from(const Moments& a, std::size_t na_runs, const Moments& b, std::size_t nb_runs,
                      double level) {
  Difference d;
  d.n = static_cast<int>(std::min(na_runs, nb_runs));
  const double na = static_cast<double>(na_runs), nb = static_cast<double>(nb_runs);
  d.mean_reference = a.mean;
  d.mean_scenario = b.mean;
  d.difference = b.mean - a.mean;
  const double va = a.var / na, vb = b.var / nb;
  const double se = std::sqrt(va + vb);
  const double df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
  t_interval(d, se, df, level);
  return d;
}

}  // namespace

Difference paired_difference(const std::vector<double>& reference,
                             const std::vector<double>& scenario, double level) {
  const std::size_t n = std::min(reference.size(), scenario.size());
  std::vector<double> diff(n);
  for (std::size_t i = 0; i < n; ++i) diff[i] = scenario[i] - reference[i];
  return paired_from(moments(reference).mean, moments(scenario).mean, moments(diff),
                     static_cast<int>(n), level);
}

Difference welch_difference(const std::vector<double>& reference,
                            const std::vector<double>& scenario, double level) {
  return welch_from(moments(reference), reference.size(), moments(scenario), scenario.size(),
                    level);
}

void check_pairable(const ResultInfo& reference, const ResultInfo& scenario) {
  if (reference.seed != scenario.seed || reference.runs != scenario.runs)
    throw InputError(fmt::format(
        "cannot pair {} (seed {}, {} runs) with {} (seed {}, {} runs): paired runs need the same "
        "seed and run count; rerun one of them with --seed {} --runs {}",
        scenario.source, scenario.seed, scenario.runs, reference.source, reference.seed,
        reference.runs, reference.seed, reference.runs));
}

void check_pairable(const EnsembleOutcomes& reference, const EnsembleOutcomes& scenario) {
  check_pairable(ResultInfo{reference.scenario, reference.source, reference.seed, reference.runs},
                 ResultInfo{scenario.scenario, scenario.source, scenario.seed, scenario.runs});
}

namespace {

ResultInfo read_manifest(const std::string& dir) {
  ResultInfo info;
  info.source = dir;
  const std::string path = dir + "/manifest.json";
  const std::string what = "the manifest.json of a stancesim result folder";
  const Json json = read_json_object(path, what);
  const JsonFields tree(json, path, what);
  info.scenario = tree.text("scenario");
  info.seed = static_cast<std::uint64_t>(tree.integer("seed", 0, limits::kMaxSeed));
  info.runs = static_cast<int>(tree.integer("runs", 1, limits::kMaxRuns));
  return info;
}

// Reads outcomes.csv one run at a time, strictly: every cell a finite number, runs numbered
// 0, 1, ... and as many as the manifest says.
class OutcomesReader {
 public:
  explicit OutcomesReader(const ResultInfo& info)
      : info_(info), path_(info.source + "/outcomes.csv") {
    open();
    std::string line;
    if (!std::getline(*in_, line) || line.rfind("scenario,run,", 0) != 0)
      throw InputError(SourceLoc{path_, 1, 1}, "expected the header 'scenario,run,<metrics>'");
    std::size_t start = 13;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      const std::string name =
          line.substr(start, comma == std::string::npos ? comma : comma - start);
      if (name.empty())
        throw InputError(SourceLoc{path_, 1, static_cast<int>(start) + 1},
                         "expected a metric name");
      metrics_.push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    values_.resize(metrics_.size());
  }
  const std::vector<std::string>& metrics() const { return metrics_; }

  // The next run's values, or nullptr after the last run.
  const double* next() {
    if (!std::getline(*in_, line_)) {
      if (run_ != info_.runs)
        throw InputError(
            SourceLoc{path_, run_ + 2, 1},
            fmt::format("{} runs in outcomes.csv but {} in manifest.json", run_, info_.runs));
      return nullptr;
    }
    const int line_no = run_ + 2;
    if (run_ >= info_.runs)
      throw InputError(SourceLoc{path_, line_no, 1},
                       fmt::format("more runs than the {} in manifest.json", info_.runs));
    // The scenario name may be quoted; numbers never are: split from the right.
    std::size_t end = line_.size();
    for (std::size_t k = metrics_.size() + 1; k-- > 0;) {
      const std::size_t comma = end == 0 ? std::string::npos : line_.rfind(',', end - 1);
      if (comma == std::string::npos)
        throw InputError(SourceLoc{path_, line_no, 1},
                         fmt::format("expected {} fields", metrics_.size() + 2));
      const char* first = line_.data() + comma + 1;
      const char* last = line_.data() + end;
      double v = 0;
      const auto [ptr, ec] = std::from_chars(first, last, v);
      if (ec != std::errc() || ptr != last || !std::isfinite(v) || first == last)
        throw InputError(
            SourceLoc{path_, line_no, static_cast<int>(comma) + 2},
            fmt::format("expected a finite number, found '{}'",
                        std::string_view(first, static_cast<std::size_t>(last - first))));
      if (k == 0) {
        if (v != run_)
          throw InputError(SourceLoc{path_, line_no, static_cast<int>(comma) + 2},
                           fmt::format("expected run {}", run_));
      } else {
        values_[k - 1] = v;
      }
      end = comma;
    }
    ++run_;
    return values_.data();
  }

  void rewind() {
    open();
    std::getline(*in_, line_);
    run_ = 0;
  }

 private:
  void open() {
    in_ = std::make_unique<std::ifstream>();
    in_->rdbuf()->pubsetbuf(buffer_, sizeof buffer_);
    in_->open(path_, std::ios::binary);
    if (!*in_)
      throw InputError(SourceLoc{path_, 0, 0},
                       "cannot open file (is this a stancesim result folder?)");
  }
  ResultInfo info_;
  std::string path_, line_;
  std::unique_ptr<std::ifstream> in_;
  char buffer_[1 << 16];
  std::vector<std::string> metrics_;
  std::vector<double> values_;
  int run_ = 0;
};

// Means and variances of every column of one file (two passes).
std::vector<Moments> file_moments(OutcomesReader& reader, int runs) {
  const std::size_t nm = reader.metrics().size();
  std::vector<Moments> m(nm);
  while (const double* v = reader.next())
    for (std::size_t k = 0; k < nm; ++k) m[k].mean += v[k];
  for (auto& x : m) x.mean /= static_cast<double>(runs);
  reader.rewind();
  while (const double* v = reader.next())
    for (std::size_t k = 0; k < nm; ++k) m[k].var += (v[k] - m[k].mean) * (v[k] - m[k].mean);
  for (auto& x : m) x.var = runs > 1 ? x.var / static_cast<double>(runs - 1) : 0.0;
  reader.rewind();
  throw_if_interrupted();
  return m;
}

}  // namespace

Comparison compare_result_folders(const std::vector<std::string>& dirs, bool paired) {
  Comparison out;
  out.paired = paired;
  std::vector<std::unique_ptr<OutcomesReader>> readers;
  for (const auto& dir : dirs) {
    const ResultInfo info = read_manifest(dir);
    readers.push_back(std::make_unique<OutcomesReader>(info));
    if (readers.size() == 1) {
      out.reference = info;
      out.metrics = readers.back()->metrics();
    } else {
      if (paired) check_pairable(out.reference, info);
      Comparison::Scenario s;
      s.info = info;
      out.scenarios.push_back(std::move(s));
    }
  }
  const std::size_t nm = out.metrics.size(), ns = out.scenarios.size();
  // Per scenario, per reference metric: the scenario's column, or -1.
  std::vector<std::vector<int>> index(ns, std::vector<int>(nm, -1));
  for (std::size_t s = 0; s < ns; ++s) {
    const auto& names = readers[s + 1]->metrics();
    for (std::size_t m = 0; m < nm; ++m) {
      const auto it = std::find(names.begin(), names.end(), out.metrics[m]);
      if (it != names.end()) index[s][m] = static_cast<int>(it - names.begin());
    }
    out.scenarios[s].has.resize(nm);
    out.scenarios[s].differences.resize(nm);
    for (std::size_t m = 0; m < nm; ++m) out.scenarios[s].has[m] = index[s][m] >= 0;
  }
  const std::vector<Moments> reference = file_moments(*readers[0], out.reference.runs);
  for (const auto& r : reference) out.reference_means.push_back(r.mean);
  if (!paired) {
    for (std::size_t s = 0; s < ns; ++s) {
      const std::vector<Moments> sc = file_moments(*readers[s + 1], out.scenarios[s].info.runs);
      for (std::size_t m = 0; m < nm; ++m)
        if (index[s][m] >= 0)
          out.scenarios[s].differences[m] =
              welch_from(reference[m], static_cast<std::size_t>(out.reference.runs),
                         sc[static_cast<std::size_t>(index[s][m])],
                         static_cast<std::size_t>(out.scenarios[s].info.runs), 0.95);
    }
    return out;
  }
  // Paired: every file side by side, run by run; first the means, then the spread of the
  // differences.
  const int runs = out.reference.runs;
  std::vector<std::vector<double>> scenario_sum(ns), diff_mean(ns, std::vector<double>(nm)),
      diff_ss(ns, std::vector<double>(nm));
  for (std::size_t s = 0; s < ns; ++s) scenario_sum[s].resize(readers[s + 1]->metrics().size());
  for (int pass = 0; pass < 2; ++pass) {
    for (int r = 0; r < runs; ++r) {
      const double* a = readers[0]->next();
      for (std::size_t s = 0; s < ns; ++s) {
        const double* b = readers[s + 1]->next();
        if (pass == 0)
          for (std::size_t k = 0; k < scenario_sum[s].size(); ++k) scenario_sum[s][k] += b[k];
        for (std::size_t m = 0; m < nm; ++m) {
          const int j = index[s][m];
          if (j < 0) continue;
          const double d = b[j] - a[m];
          if (pass == 0)
            diff_mean[s][m] += d;
          else
            diff_ss[s][m] += (d - diff_mean[s][m]) * (d - diff_mean[s][m]);
        }
      }
      if ((r & 1023) == 0) throw_if_interrupted();
    }
    for (auto& reader : readers) {
      if (reader->next()) throw InputError("more runs than expected");  // counted by next()
      reader->rewind();
    }
    if (pass == 0)
      for (auto& v : diff_mean)
        for (double& x : v) x /= static_cast<double>(runs);
  }
  for (std::size_t s = 0; s < ns; ++s)
    for (std::size_t m = 0; m < nm; ++m) {
      const int j = index[s][m];
      if (j < 0) continue;
      const Moments diff{diff_mean[s][m],
                         runs > 1 ? diff_ss[s][m] / static_cast<double>(runs - 1) : 0.0};
      out.scenarios[s].differences[m] =
          paired_from(out.reference_means[m],
                      scenario_sum[s][static_cast<std::size_t>(j)] / static_cast<double>(runs),
                      diff, runs, 0.95);
    }
  return out;
}

std::string compare_csv(const Comparison& c) {
  CsvBuffer out;
  out.raw(
      "reference,scenario,metric,n_pairs,mean_reference,mean_scenario,difference,ci_low,ci_high,p_"
      "value\n");
  const std::string ref = CsvBuffer::quote(c.reference.scenario);
  for (const auto& sc : c.scenarios) {
    const std::string name = CsvBuffer::quote(sc.info.scenario);
    for (std::size_t m = 0; m < c.metrics.size(); ++m) {
      if (!sc.has[m]) continue;  // a metric only one of them has
      const Difference& d = sc.differences[m];
      out.raw(ref).comma().raw(name).comma().raw(c.metrics[m]).comma().integer(d.n);
      for (double v : {d.mean_reference, d.mean_scenario, d.difference, d.ci_low, d.ci_high})
        out.comma().fixed4(v);
      // Small p-values matter (many metrics are compared): scientific, 4 significant digits.
      out.comma().raw(fmt::format("{:.3e}", d.p_value)).newline();
    }
  }
  return std::move(out.str());
}

std::string compare_table(const Comparison& c) {
  struct Column {
    const char* title;
    const char* metric;
  };
  static const Column groups[2][5] = {{{"China level to DPRK", "mean_level_china_dprk"},
                                       {"China level to Russia", "mean_level_china_russia"},
                                       {"P(UN sanctions+)", "ever_china_dprk_level_ge_4"},
                                       {"P(oppose nuke threats)", "ever_china_russia_level_ge_2"},
                                       {"P(warn US)", "ever_china_us_posture_warn"}},
                                      {{"cn_nk_trade end", "final_cn_nk_trade"},
                                       {"DPRK workers end (k)", "final_nk_workers_cn_k"},
                                       {"cn_leverage end", "final_cn_leverage"},
                                       {"ru_nk_align end", "final_ru_nk_align"},
                                       {"escalation total", "total_escalation_index"}}};
  const ResultInfo& ref = c.reference;
  std::string out =
      c.scenarios.empty()
          ? fmt::format("{} ({} runs, seed {}): means over runs\n", ref.scenario, ref.runs,
                        ref.seed)
          : fmt::format(
                "reference: {} ({} runs, seed {}); each cell: scenario mean, difference "
                "from the reference [95% CI, {}]\n",
                ref.scenario, ref.runs, ref.seed, c.paired ? "paired runs" : "independent samples");
  for (const auto& group : groups) {
    out += fmt::format("\n{:<31}", "scenario");
    for (const auto& col : group) out += fmt::format(" {:>27}", col.title);
    out += "\n";
    for (int row = -1; row < static_cast<int>(c.scenarios.size()); ++row) {
      const std::string& name =
          row < 0 ? ref.scenario : c.scenarios[static_cast<std::size_t>(row)].info.scenario;
      out += fmt::format("{:<31}", name.substr(0, 31));
      for (const auto& col : group) {
        const auto it = std::find(c.metrics.begin(), c.metrics.end(), col.metric);
        const auto m = static_cast<std::size_t>(it - c.metrics.begin());
        if (it == c.metrics.end() ||
            (row >= 0 && !c.scenarios[static_cast<std::size_t>(row)].has[m])) {
          out += fmt::format(" {:>27}", "-");
          continue;
        }
        std::string cell;
        if (row < 0) {
          cell = fmt::format("{:.2f}", c.reference_means[m]);
        } else {
          const Difference& d = c.scenarios[static_cast<std::size_t>(row)].differences[m];
          cell = fmt::format("{:.2f} {:+.2f} [{:+.2f},{:+.2f}]", d.mean_scenario, d.difference,
                             d.ci_low, d.ci_high);
        }
        out += fmt::format(" {:>27}", cell);
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace stancesim
