// stancesim list WHAT: the names a user writes in scenario and experiment files and on the command
// line, read from the model (and the scenarios folder), as an aligned table or as CSV.
#include <fmt/format.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/compiled.hpp"
#include "model/load.hpp"
#include "model/params.hpp"
#include "output/csv.hpp"
#include "output/outcomes.hpp"
#include "scenario/scenario.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stancesim::cli {

namespace {

const std::vector<std::string> kLists = {"variables", "options", "parameters", "metrics",
                                         "views",     "claims",  "scenarios"};

using Row = std::vector<std::string>;

const char* kind_name(VarKind k) {
  switch (k) {
    case VarKind::continuous:
      return "continuous";
    case VarKind::flag:
      return "flag";
    case VarKind::level:
      return "level";
  }
  return "";
}

void print_csv(const Row& header, const std::vector<Row>& rows) {
  CsvBuffer b;
  for (const Row* r : [&] {
         std::vector<const Row*> all{&header};
         for (const auto& row : rows) all.push_back(&row);
         return all;
       }()) {
    for (std::size_t i = 0; i < r->size(); ++i) {
      if (i) b.comma();
      b.field((*r)[i]);
    }
    b.newline();
  }
  std::cout << b.view();
}

// Columns padded to their widest cell; the last column is not padded.
void print_table(const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const Row& r) {
    std::string out;
    for (std::size_t i = 0; i < r.size(); ++i)
      out += i + 1 < r.size() ? fmt::format("{:<{}}  ", r[i], width[i]) : r[i];
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

}  // namespace

int list_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "stancesim list WHAT [options]\n\n"
      "Lists what files and options can name, from the model (and the scenarios folder):\n"
      "  variables   state variables: kind, range, initial value, the claims they rest on\n"
      "  options     every actor's tracks and options with their escalation levels\n"
      "  parameters  every parameter path (for --set, [[override]], experiments) with its value "
      "and range\n"
      "  metrics     the outcome metrics (outcomes.csv columns, summary.csv rows) and what each "
      "measures\n"
      "  views       analyst views and what they override\n"
      "  claims      the claim ids numbers may cite, with their paraphrase\n"
      "  scenarios   the scenario files of --scenarios, with name and description\n\n"
      "example: stancesim list parameters --format csv > parameters.csv\n"
      "exit codes: 0 done, 2 bad input\n\noptions");
  std::string model_dir = "model", scenarios_dir = "scenarios", format = "table";
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("model", po::value(&model_dir)->default_value(model_dir), "model folder")
      ("scenarios", po::value(&scenarios_dir)->default_value(scenarios_dir), "scenarios folder (list scenarios)")
      ("format", po::value(&format)->default_value(format), "table (aligned, for reading) or csv");
  // clang-format on
  std::vector<std::string> what;
  po::variables_map vm;
  if (!parse_arguments(args, opts, what, vm)) return kExitOk;
  if (what.size() != 1)
    throw InputError("stancesim list: expected one of " + join(kLists, ", ") + " (see --help)");
  if (std::find(kLists.begin(), kLists.end(), what[0]) == kLists.end()) {
    const auto [best, distance] = closest(what[0], kLists);
    throw InputError("stancesim list: unknown list '" + what[0] + "'" +
                     (distance <= 3 ? " (did you mean '" + best + "'?)" : "") +
                     "; expected one of " + join(kLists, ", "));
  }
  if (format != "table" && format != "csv")
    throw InputError("--format: expected table or csv, not '" + format + "'");
  if (!fs::is_directory(model_dir))
    throw InputError(SourceLoc{model_dir, 0, 0},
                     "model folder not found: run from the repository root or give --model DIR");
  ModelSpec spec = load_model(model_dir);
  Row header;
  std::vector<Row> rows;
  const std::string& w = what[0];
  if (w == "variables") {
    header = {"variable", "kind", "min", "max", "initial", "noise", "claims", "description"};
    for (const auto& v : spec.variables)
      rows.push_back({v.name, kind_name(v.kind), num(v.min), num(v.max), num(v.initial),
                      num(v.noise), join(v.claims, ";"), v.description});
  } else if (w == "options") {
    header = {"actor", "deciding", "track", "option", "level", "initial", "escalatory"};
    for (const auto& a : spec.actors)
      for (const auto& t : a.tracks)
        for (const auto& o : t.options)
          rows.push_back({a.id, a.deciding ? "true" : "false", t.id, o.id, std::to_string(o.level),
                          o.id == t.initial ? "true" : "false", o.escalatory ? "true" : "false"});
  } else if (w == "parameters") {
    header = {"path", "value", "low", "high", "whole_number", "file", "line"};
    for (const auto& [path, slot] : parameter_slots(spec))
      rows.push_back({path, slot.number ? num(*slot.number) : std::to_string(*slot.integer),
                      num(slot.lo), num(slot.hi), slot.integer ? "true" : "false", slot.loc.file,
                      slot.loc.line ? std::to_string(slot.loc.line) : ""});
  } else if (w == "metrics") {
    header = {"metric", "statistic", "actor", "track",      "option",
              "level",  "of",        "unit",  "description"};
    const Outcomes outcomes(compile(spec, Scenario{}));
    for (const MetricInfo& m : outcomes.info())
      rows.push_back({m.name, m.statistic, m.actor, m.track, m.option,
                      m.level >= 0 ? std::to_string(m.level) : "", m.of, m.unit, m.description});
  } else if (w == "views") {
    header = {"view", "dispute", "overrides", "claims", "description"};
    for (const auto& v : spec.views) {
      std::vector<std::string> sets;
      for (const auto& o : v.overrides) sets.push_back(fmt::format("{}={}", o.path, o.value));
      rows.push_back({v.name, v.dispute, join(sets, ";"), join(v.claims, ";"), v.description});
    }
  } else if (w == "claims") {
    header = {"claim", "paraphrase"};
    for (const auto& [id, text] : spec.claims) rows.push_back({id, text});
  } else {
    header = {"scenario", "file", "description"};
    if (!fs::is_directory(scenarios_dir))
      throw InputError(SourceLoc{scenarios_dir, 0, 0},
                       "scenarios folder not found: give --scenarios DIR");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(scenarios_dir))
      if (e.path().extension() == ".toml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const LoadedScenario ls =
          load_scenario(f.string(), ScenarioOptions{model_dir, {}, {}, {}, {}});
      rows.push_back({ls.scenario.name, f.string(), ls.scenario.description});
    }
  }
  if (format == "csv")
    print_csv(header, rows);
  else
    print_table(header, rows);
  return kExitOk;
}

}  // namespace stancesim::cli
