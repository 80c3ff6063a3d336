#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/sha256.hpp"
#include "model/model_loader.hpp"
#include "model/params.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

// Reads a CSV of id,source,paraphrase with RFC 4180 quoting.
std::map<std::string, std::string> read_claims_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path, 0, 0}, "cannot open file");
  std::map<std::string, std::string> claims;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          fields.back() += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          fields.back() += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    if (line_no == 1) {
      if (line != "id,source,paraphrase")
        throw InputError(SourceLoc{path, 1, 1}, "expected the header 'id,source,paraphrase'");
      continue;
    }
    if (quoted || fields.size() != 3 || fields[0].empty() || fields[2].empty())
      throw InputError(SourceLoc{path, line_no, 1},
                       "expected three fields: id, source and a non-empty paraphrase");
    if (!claims.emplace(fields[0], fields[2]).second)
      throw InputError(SourceLoc{path, line_no, 1}, "duplicate claim id '" + fields[0] + "'");
  }
  return claims;
}

}  // namespace

ModelSpec ModelLoader::run() {
  const std::string claims_path = path("claims.csv");
  spec_.claims = read_claims_csv(claims_path);
  spec_.files.push_back({claims_path, sha256_file(claims_path)});
  load_model_file();
  load_state();
  load_derived();
  load_actors();
  load_utility();
  load_dynamics();
  load_rules();
  load_views();
  // The numbers' ranges and the constraints between them: the parameter schema's (params.hpp),
  // the same as for overrides. Then each view on its own must give a valid model too.
  check_parameters(spec_);
  check_constraints(spec_);
  for (const auto& view : spec_.views) {
    ModelSpec variant = spec_;
    apply_overrides(variant, view.overrides);
  }
  return std::move(spec_);
}

toml::table ModelLoader::open(const std::string& name, std::string& file) {
  file = path(name);
  toml::table t = parse_toml_file(file);
  spec_.files.push_back({file, sha256_file(file)});
  return t;
}

void ModelLoader::load_model_file() {
  std::string file;
  const toml::table root = open("model.toml", file);
  Fields f(root, file, "model.toml");
  spec_.schema_version = f.integer("schema_version", 1, 1000);
  if (spec_.schema_version != 2)
    f.fail("schema_version", "schema_version " + std::to_string(spec_.schema_version) +
                                 " is not supported: this stancesim reads schema_version 2 "
                                 "(model/README.md lists what changed from 1)");
  {
    Fields clock(f.table("clock"), file, "[clock]");
    const toml::node& d = clock.required("start_date");
    const auto* date = d.as_date();
    if (!date) clock.fail(d, "'start_date' in [clock]: expected a date such as 2024-11-04");
    spec_.start_date = make_date(date->get().year, date->get().month, date->get().day);
    if (!spec_.start_date.ok()) clock.fail(d, "'start_date' in [clock]: not a calendar date");
    spec_.default_steps = read_whole_parameter(clock, "default_steps");
    spec_.locs.set("clock.default_steps", clock.loc("default_steps"));
    claims(clock);
    clock.done();
  }
  {
    Fields esc(f.table("escalation_index"), file, "[escalation_index]");
    spec_.escalation_memory = read_whole_parameter(esc, "memory_weeks");
    spec_.locs.set("escalation_index.memory_weeks", esc.loc("memory_weeks"));
    claims(esc);
    esc.done();
  }
  for (const toml::table* t : tables_of(f, "escalation_class", false)) {
    Fields c(*t, file, "[[escalation_class]]");
    EscalationClass ec;
    ec.loc = c.loc();
    ec.name = c.string("name");
    ec.weight = c.number("weight");
    ec.locs.set("weight", c.loc("weight"));
    ec.claims = claims(c);
    c.done();
    spec_.escalation_classes.push_back(ec);
  }
  unique(
      spec_.escalation_classes, [](const auto& c) { return c.name; }, "escalation class");
  f.done();
}

void ModelLoader::load_state() {
  std::string file;
  const toml::table root = open("state.toml", file);
  Fields f(root, file, "state.toml");
  for (const toml::table* t : tables_of(f, "variable", false)) {
    Fields v(*t, file, "[[variable]]");
    Variable var;
    var.loc = v.loc();
    var.name = v.string("name");
    const std::string kind = v.string("kind");
    if (kind == "continuous")
      var.kind = VarKind::continuous;
    else if (kind == "flag")
      var.kind = VarKind::flag;
    else if (kind == "level")
      var.kind = VarKind::level;
    else
      v.fail("kind", "'kind' in [[variable]] '" + var.name +
                         "': expected continuous, flag or level, found '" + kind + "'");
    v = Fields(*t, file, "[[variable]] '" + var.name + "'");
    v.string("name");
    v.string("kind");
    var.description = v.string("description");
    // Parameters: their ranges and the constraints between them (initial within [min, max],
    // a flag's bounds, ...) are the schema's (params.hpp), checked once the model is read.
    for (const char* key : {"min", "max", "initial", "noise"}) var.locs.set(key, v.loc(key));
    var.min = v.number("min");
    var.max = v.number("max");
    var.initial = v.number("initial");
    var.noise = v.number("noise");
    var.claims = claims(v);
    v.done();
    spec_.variables.push_back(var);
  }
  unique(
      spec_.variables, [](const auto& v) { return v.name; }, "state variable");
  f.done();
}

void ModelLoader::load_derived() {
  std::string file;
  const toml::table root = open("derived.toml", file);
  Fields f(root, file, "derived.toml");
  for (const toml::table* t : tables_of(f, "metric", false)) {
    Fields m(*t, file, "[[metric]]");
    Metric metric;
    metric.loc = m.loc();
    metric.name = m.string("name");
    if (spec_.find_variable(metric.name))
      m.fail("name", "metric '" + metric.name + "' has the name of a state variable");
    metric.description = m.string("description");
    metric.shape = read_shape(m, "shape");
    metric.form = read_linear_form(m, m.required("inputs"), "inputs", spec_);
    metric.claims = claims(m);
    m.done();
    spec_.metrics.push_back(metric);
  }
  unique(
      spec_.metrics, [](const auto& v) { return v.name; }, "metric");
  f.done();
}

ModelSpec load_model(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(SourceLoc{dir, 0, 0}, "model directory not found");
  return ModelLoader(dir).run();
}

}  // namespace stancesim
