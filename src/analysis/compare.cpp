#include "analysis/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "output/csv.hpp"

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

}  // namespace

Difference paired_difference(const std::vector<double>& reference,
                             const std::vector<double>& scenario, double level) {
  Difference d;
  d.n = static_cast<int>(std::min(reference.size(), scenario.size()));
  std::vector<double> diff(static_cast<std::size_t>(d.n));
  for (std::size_t i = 0; i < diff.size(); ++i) diff[i] = scenario[i] - reference[i];
  d.mean_reference = moments(reference).mean;
  d.mean_scenario = moments(scenario).mean;
  const Moments m = moments(diff);
  d.difference = m.mean;
  t_interval(d, std::sqrt(m.var / d.n), d.n - 1.0, level);
  return d;
}

Difference welch_difference(const std::vector<double>& reference,
                            const std::vector<double>& scenario, double level) {
  Difference d;
  d.n = static_cast<int>(std::min(reference.size(), scenario.size()));
  const Moments a = moments(reference), b = moments(scenario);
  const double na = static_cast<double>(reference.size()),
               nb = static_cast<double>(scenario.size());
  d.mean_reference = a.mean;
  d.mean_scenario = b.mean;
  d.difference = b.mean - a.mean;
  const double va = a.var / na, vb = b.var / nb;
  const double se = std::sqrt(va + vb);
  const double df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
  t_interval(d, se, df, level);
  return d;
}

void check_pairable(const EnsembleOutcomes& reference, const EnsembleOutcomes& scenario) {
  if (reference.seed != scenario.seed || reference.runs != scenario.runs)
    throw InputError(fmt::format(
        "cannot pair {} (seed {}, {} runs) with {} (seed {}, {} runs): paired runs need the same "
        "seed and run count; rerun one of them with --seed {} --runs {}",
        scenario.source, scenario.seed, scenario.runs, reference.source, reference.seed,
        reference.runs, reference.seed, reference.runs));
}

namespace {
std::vector<double> column(const EnsembleOutcomes& e, std::size_t m) {
  std::vector<double> v(static_cast<std::size_t>(e.runs));
  for (int r = 0; r < e.runs; ++r) v[static_cast<std::size_t>(r)] = e.at(r, m);
  return v;
}

Difference compare_metric(const EnsembleOutcomes& ref, const EnsembleOutcomes& sc,
                          std::size_t m_ref, std::size_t m_sc, bool paired) {
  const auto a = column(ref, m_ref), b = column(sc, m_sc);
  return paired ? paired_difference(a, b) : welch_difference(a, b);
}
}  // namespace

std::string compare_csv(const EnsembleOutcomes& reference,
                        const std::vector<EnsembleOutcomes>& scenarios, bool paired) {
  CsvBuffer out;
  out.raw(
      "reference,scenario,metric,n_pairs,mean_reference,mean_scenario,difference,ci_low,ci_high,p_"
      "value\n");
  const std::string ref = CsvBuffer::quote(reference.scenario);
  for (const auto& sc : scenarios) {
    const std::string name = CsvBuffer::quote(sc.scenario);
    for (std::size_t m = 0; m < reference.metrics.size(); ++m) {
      const int j = sc.metric_index(reference.metrics[m]);
      if (j < 0) continue;  // a metric only one of them has
      const Difference d = compare_metric(reference, sc, m, static_cast<std::size_t>(j), paired);
      out.raw(ref).comma().raw(name).comma().raw(reference.metrics[m]).comma().integer(d.n);
      for (double v :
           {d.mean_reference, d.mean_scenario, d.difference, d.ci_low, d.ci_high, d.p_value})
        out.comma().fixed4(v);
      out.newline();
    }
  }
  return std::move(out.str());
}

std::string compare_table(const EnsembleOutcomes& reference,
                          const std::vector<EnsembleOutcomes>& scenarios, bool paired) {
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
  std::string out =
      scenarios.empty()
          ? fmt::format("{} ({} runs, seed {}): means over runs\n", reference.scenario,
                        reference.runs, reference.seed)
          : fmt::format(
                "reference: {} ({} runs, seed {}); each cell: scenario mean, difference "
                "from the reference [95% CI, {}]\n",
                reference.scenario, reference.runs, reference.seed,
                paired ? "paired runs" : "independent samples");
  for (const auto& group : groups) {
    out += fmt::format("\n{:<31}", "scenario");
    for (const auto& c : group) out += fmt::format(" {:>27}", c.title);
    out += "\n";
    for (const EnsembleOutcomes* e : [&] {
           std::vector<const EnsembleOutcomes*> all{&reference};
           for (const auto& s : scenarios) all.push_back(&s);
           return all;
         }()) {
      out += fmt::format("{:<31}", e->scenario.substr(0, 31));
      for (const auto& c : group) {
        const int i = reference.metric_index(c.metric), j = e->metric_index(c.metric);
        if (i < 0 || j < 0) {
          out += fmt::format(" {:>27}", "-");
          continue;
        }
        const Difference d = compare_metric(reference, *e, static_cast<std::size_t>(i),
                                            static_cast<std::size_t>(j), paired);
        const std::string cell =
            e == &reference ? fmt::format("{:.2f}", d.mean_reference)
                            : fmt::format("{:.2f} {:+.2f} [{:+.2f},{:+.2f}]", d.mean_scenario,
                                          d.difference, d.ci_low, d.ci_high);
        out += fmt::format(" {:>27}", cell);
      }
      out += "\n";
    }
  }
  return out;
}

EnsembleOutcomes read_results(const std::string& dir) {
  EnsembleOutcomes e;
  e.source = dir;
  const std::string manifest = dir + "/manifest.json";
  boost::property_tree::ptree tree;
  try {
    boost::property_tree::read_json(manifest, tree);
    e.scenario = tree.get<std::string>("scenario");
    e.seed = tree.get<std::uint64_t>("seed");
    e.runs = tree.get<int>("runs");
  } catch (const std::exception& ex) {
    throw InputError(
        SourceLoc{manifest, 0, 0},
        std::string("expected the manifest.json of a stancesim result folder: ") + ex.what());
  }
  const std::string path = dir + "/outcomes.csv";
  std::ifstream in(path);
  if (!in)
    throw InputError(SourceLoc{path, 0, 0},
                     "cannot open file (is this a stancesim result folder?)");
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  std::string cell;
  std::getline(header, cell, ',');
  std::getline(header, cell, ',');
  if (line.rfind("scenario,run,", 0) != 0)
    throw InputError(SourceLoc{path, 1, 1}, "expected the header 'scenario,run,<metrics>'");
  while (std::getline(header, cell, ',')) e.metrics.push_back(cell);
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    // The scenario name may be quoted; numbers never are: split from the right.
    std::vector<double> row;
    std::size_t end = line.size();
    for (std::size_t k = 0; k < e.metrics.size() + 1; ++k) {
      const std::size_t comma = line.rfind(',', end - 1);
      if (comma == std::string::npos)
        throw InputError(SourceLoc{path, line_no, 1}, "too few fields");
      row.push_back(std::strtod(line.c_str() + comma + 1, nullptr));
      end = comma;
    }
    std::reverse(row.begin(), row.end());
    if (static_cast<int>(row[0]) != line_no - 2)
      throw InputError(SourceLoc{path, line_no, 1}, "expected run " + std::to_string(line_no - 2));
    e.values.insert(e.values.end(), row.begin() + 1, row.end());
  }
  if (line_no - 1 != e.runs)
    throw InputError(
        SourceLoc{path, line_no, 1},
        fmt::format("{} runs in outcomes.csv but {} in manifest.json", line_no - 1, e.runs));
  return e;
}

}  // namespace stancesim
