#include "analysis/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "model/toml_reader.hpp"
#include "output/csv.hpp"

namespace stancesim {

namespace fs = std::filesystem;

bool Condition::holds(double x) const {
  switch (op) {
    case CompareOp::less:
      return x < value;
    case CompareOp::less_equal:
      return x <= value;
    case CompareOp::greater:
      return x > value;
    case CompareOp::greater_equal:
      return x >= value;
    case CompareOp::abs_less:
      return std::abs(x) < value;
  }
  return false;
}

namespace {

Condition read_condition(Fields& f, std::string_view key) {
  Condition c;
  c.text = f.string(key);
  std::string_view t = c.text;
  auto starts = [&](std::string_view p) {
    if (t.substr(0, p.size()) != p) return false;
    t.remove_prefix(p.size());
    return true;
  };
  if (starts("abs <"))
    c.op = CompareOp::abs_less;
  else if (starts(">="))
    c.op = CompareOp::greater_equal;
  else if (starts("<="))
    c.op = CompareOp::less_equal;
  else if (starts(">"))
    c.op = CompareOp::greater;
  else if (starts("<"))
    c.op = CompareOp::less;
  else
    f.fail(key, "'" + std::string(key) +
                    "': expected a comparison such as \">= 0.8\", \"< 0\" or \"abs < 0.25\"");
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), c.value);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(c.value))
    f.fail(key, "'" + std::string(key) + "': expected a finite number after the comparison");
  return c;
}

Window read_window(Fields& f, std::string_view key) {
  Window w;
  if (!f.has(key)) return w;
  const toml::array& a = f.array(key);
  // Compared at full width before narrowing: [1, 4294967297] must not become [1, 1].
  if (a.size() != 2 || !a[0].is_integer() || !a[1].is_integer() || a[0].as_integer()->get() < 1 ||
      a[1].as_integer()->get() < a[0].as_integer()->get() ||
      a[1].as_integer()->get() > limits::kMaxSteps)
    f.fail(key, "'" + std::string(key) + "': expected [from, to] with 1 <= from <= to <= " +
                    std::to_string(limits::kMaxSteps));
  w.from = static_cast<int>(a[0].as_integer()->get());
  w.to = static_cast<int>(a[1].as_integer()->get());
  return w;
}

std::string metric_text(const std::vector<std::pair<std::string, double>>& metric) {
  std::string out;
  for (const auto& [name, coef] : metric) {
    if (!out.empty())
      out += coef < 0 ? " - " : " + ";
    else if (coef < 0)
      out += "-";
    if (std::abs(coef) != 1) out += fmt::format("{}*", std::abs(coef));
    out += name;
  }
  return out;
}

std::string window_text(const Window& w) {
  return w.to > 0 ? fmt::format("[{},{}]", w.from, w.to) : "";
}

}  // namespace

std::vector<Check> load_checks(const std::vector<std::string>& files,
                               const std::map<std::string, std::string>& claims,
                               const std::string& claims_file) {
  std::vector<Check> checks;
  for (const auto& file : files) {
    const toml::table root = parse_toml_file(file);
    Fields top(root, file, file);
    Fields header(top.table("checks"), file, "[checks]");
    const fs::path scenarios = fs::path(file).parent_path() / header.string("scenarios");
    header.done();
    auto scenario_file = [&](Fields& f, std::string_view key) {
      const std::string name = f.string(key);
      const fs::path path = scenarios / (name + ".toml");
      if (!fs::exists(path)) f.fail(key, "no scenario file " + path.string());
      return std::pair{name, path.string()};
    };
    for (const toml::table* t : tables_of(top, "check", false)) {
      Fields f(*t, file, "[[check]]");
      Check c;
      c.file = file;
      c.loc = f.loc();
      c.id = f.string("id");
      f = Fields(*t, file, "[[check]] '" + c.id + "'");
      f.string("id");
      c.statement = f.string("statement");
      c.claims = f.claims(claims, claims_file);
      std::tie(c.scenario, c.scenario_file) = scenario_file(f, "scenario");
      c.window = read_window(f, "window");
      if (f.has("views")) c.views = f.strings("views");
      if (f.has("reference_views")) c.reference_views = f.strings("reference_views");
      if (f.has("steps")) c.steps = f.integer("steps", 1, 520);
      if (f.has("min_runs")) c.min_runs = f.integer("min_runs", 1, limits::kMaxRuns);
      if (f.has("control")) c.control = f.string("control");
      if (f.has("reference")) {
        std::tie(c.reference, c.reference_file) = scenario_file(f, "reference");
        c.reference_window =
            f.has("reference_window") ? read_window(f, "reference_window") : c.window;
      } else if (f.has("reference_window") || f.has("reference_views")) {
        c.reference = c.scenario;  // two windows or views of the same scenario, paired by run
        c.reference_file = c.scenario_file;
        c.reference_window =
            f.has("reference_window") ? read_window(f, "reference_window") : c.window;
      }
      c.metric_loc = f.loc("metric");
      const toml::node& m = f.required("metric");
      if (m.is_string())
        c.metric = {{f.string_at(m, "metric"), 1.0}};
      else
        c.metric = f.number_table("metric");
      if (c.metric.empty())
        f.fail("metric", "'metric': name an outcome metric or a table of metric = coefficient");
      c.metric_text = metric_text(c.metric);
      const std::string statistic = f.string("statistic");
      if (statistic == "share_of_runs") {
        c.share_of_runs = true;
        c.where = read_condition(f, "where");
      } else if (statistic != "mean") {
        f.fail("statistic", "'statistic': expected mean or share_of_runs");
      }
      c.expect = read_condition(f, "expect");
      if (c.equivalence() && c.control.empty())
        f.fail("expect",
               "an equivalence check (\"abs < x\") names its positive control: the "
               "check of the same mechanism that must move ('control')");
      if (!c.equivalence() && !c.control.empty())
        f.fail("control", "'control' belongs to equivalence checks (expect = \"abs < x\")");
      f.done();
      checks.push_back(std::move(c));
    }
    top.done();
  }
  for (std::size_t i = 0; i < checks.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (checks[i].id == checks[j].id)
        throw InputError(checks[i].loc, "duplicate check id '" + checks[i].id + "'");
  for (const auto& c : checks) {
    if (c.control.empty()) continue;
    const auto it = std::find_if(checks.begin(), checks.end(),
                                 [&](const Check& o) { return o.id == c.control; });
    if (it == checks.end())
      throw InputError(c.loc, "check '" + c.id + "': unknown control check '" + c.control + "'");
    if (it->equivalence())
      throw InputError(c.loc, "check '" + c.id + "': its control '" + c.control +
                                  "' must expect a change, not equivalence");
  }
  return checks;
}

std::pair<double, double> wilson_interval(double k, double n, double level) {
  if (n <= 0) return {0, 1};
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + level / 2);
  const double p = k / n, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

namespace {
std::vector<double> per_run(const Check& c, const EnsembleOutcomes& e) {
  std::vector<std::pair<std::size_t, double>> columns;
  for (const auto& [name, coef] : c.metric) {
    const int i = e.metric_index(name);
    if (i < 0)
      throw InputError(c.metric_loc, "unknown outcome metric '" + name + "' (see docs/outputs.md)");
    columns.emplace_back(static_cast<std::size_t>(i), coef);
  }
  std::vector<double> v(static_cast<std::size_t>(e.runs), 0.0);
  for (int r = 0; r < e.runs; ++r)
    for (const auto& [i, coef] : columns) v[static_cast<std::size_t>(r)] += coef * e.at(r, i);
  if (c.share_of_runs)
    for (auto& x : v) x = c.where.holds(x) ? 1.0 : 0.0;
  return v;
}

// Does the whole interval [lo, hi] meet the expectation?
bool interval_meets(const Condition& e, double lo, double hi) {
  switch (e.op) {
    case CompareOp::less:
      return hi < e.value;
    case CompareOp::less_equal:
      return hi <= e.value;
    case CompareOp::greater:
      return lo > e.value;
    case CompareOp::greater_equal:
      return lo >= e.value;
    case CompareOp::abs_less:
      return lo > -e.value && hi < e.value;
  }
  return false;
}
}  // namespace

CheckResult evaluate(const Check& c, const WindowedOutcomes& outcomes) {
  CheckResult r;
  r.check = &c;
  const auto& scenario = outcomes.at(c.key());
  const std::vector<double> v = per_run(c, scenario);
  Difference d;
  if (!c.reference.empty()) {
    const auto& reference = outcomes.at(c.reference_key());
    check_pairable(reference, scenario);
    d = paired_difference(per_run(c, reference), v);
  } else if (c.share_of_runs) {
    double k = 0;
    for (double x : v) k += x;
    d.difference = k / static_cast<double>(v.size());
    std::tie(d.ci_low, d.ci_high) = wilson_interval(k, static_cast<double>(v.size()));
  } else {
    d = paired_difference(std::vector<double>(v.size(), 0.0), v);  // a one-sample t-interval
  }
  r.observed = d.difference;
  r.ci_low = d.ci_low;
  r.ci_high = d.ci_high;
  r.passed = interval_meets(c.expect, d.ci_low, d.ci_high);
  return r;
}

std::string check_kind(const Check& c) {
  if (c.equivalence()) return "equivalence";
  return c.reference.empty() ? "threshold" : "direction";
}

std::string checks_csv(const std::vector<CheckResult>& results,
                       const std::vector<std::string>& null_names) {
  CsvBuffer out;
  out.raw("check,kind,scenario,reference,metric,expected,observed,ci_low,ci_high,passed,claims");
  for (const auto& n : null_names) out.raw(",passed_" + n + ",observed_" + n);
  out.newline();
  for (const auto& r : results) {
    const Check& c = *r.check;
    auto label = [&](const std::string& name, const std::vector<std::string>& views,
                     const Window& w) {
      std::string text = name;
      for (const auto& v : views) text += "@" + v;
      if (c.steps > 0) text += fmt::format("/{}w", c.steps);
      if (c.min_runs > 0) text += fmt::format("/{}runs", c.min_runs);
      return text + window_text(w);
    };
    std::string scenario = label(c.scenario, c.views, c.window);
    std::string reference =
        c.reference.empty() ? "" : label(c.reference, c.reference_views, c.reference_window);
    std::string metric =
        (c.share_of_runs ? "share_of_runs(" + c.metric_text + " " + c.where.text + ")"
                         : "mean(" + c.metric_text + ")");
    if (!c.reference.empty()) metric = "difference of " + metric;
    std::string claims;
    for (const auto& id : c.claims) claims += (claims.empty() ? "" : ";") + id;
    out.field(c.id).comma().raw(check_kind(c)).comma().field(scenario).comma().field(reference);
    out.comma().field(metric).comma().field(c.expect.text).comma().fixed4(r.observed);
    out.comma().fixed4(r.ci_low).comma().fixed4(r.ci_high);
    out.comma().raw(r.passed ? "true" : "false").comma().field(claims);
    for (std::size_t n = 0; n < null_names.size(); ++n)
      out.comma().raw(r.nulls[n].passed ? "true" : "false").comma().fixed4(r.nulls[n].observed);
    out.newline();
  }
  return std::move(out.str());
}

std::string checks_table(const std::vector<CheckResult>& results,
                         const std::vector<std::string>& null_names) {
  // With null models, the columns for the all-actor nulls: does a wrong model pass too?
  std::vector<std::size_t> shown;
  for (std::size_t n = 0; n < null_names.size(); ++n)
    if (null_names[n] == "frozen" || null_names[n] == "random") shown.push_back(n);
  std::string out = fmt::format("{:<44} {:>10} {:>9} {:>19}  {:<4}", "check", "expected",
                                "observed", "95% CI", "");
  for (const std::size_t n : shown) out += fmt::format(" {:>8}", null_names[n]);
  out += "\n";
  int passed = 0;
  for (const auto& r : results) {
    passed += r.passed;
    out += fmt::format("{:<44} {:>10} {:>9.3f} {:>19}  {:<4}", r.check->id.substr(0, 44),
                       r.check->expect.text, r.observed,
                       fmt::format("[{:.3f}, {:.3f}]", r.ci_low, r.ci_high),
                       r.passed ? "pass" : "FAIL");
    for (const std::size_t n : shown)
      out += fmt::format(" {:>8}", r.nulls[n].passed ? "passes" : "fails");
    out += "\n";
  }
  out += fmt::format("{} of {} checks pass\n", passed, results.size());
  return out;
}

}  // namespace stancesim
