#include "scenario/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/limits.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "model/load.hpp"
#include "model/params.hpp"
#include "model/toml_reader.hpp"

namespace stancesim {

namespace fs = std::filesystem;

namespace {

struct RawFile {  // one file of an extends chain, before merging
  std::string path;
  std::optional<std::string> name, description;
  SourceLoc name_loc, table_loc;
  Claims claims;
  std::optional<int> steps, runs;
  std::optional<std::uint64_t> seed;
  std::optional<std::vector<std::string>> views;
  std::vector<Override> overrides;
  std::vector<Shock> shocks;
  std::vector<Pin> pins;
};

// Step numbers are checked at the full width of TOML integers (64 bits) before narrowing, so a
// value like 2^32 + 1 is refused instead of wrapping to step 1.
std::pair<int, int> read_steps(Fields& f) {
  if (!f.has("step") && !f.has("steps")) {
    f.reject_near_miss({"step", "steps"});
    throw InputError(f.loc(), "missing key 'step' (or 'steps = [from, to]') in " + f.what());
  }
  if (f.has("step") && f.has("steps"))
    f.fail("steps", "give either step = N or steps = [from, to] in " + f.what() + ", not both");
  if (f.has("step")) {
    const int s = f.integer("step", 1, limits::kMaxSteps);
    return {s, s};
  }
  const toml::array& a = f.array("steps");
  if (a.size() != 2 || !a[0].is_integer() || !a[1].is_integer())
    f.fail("steps", "'steps' in " + f.what() + ": expected [from, to] with whole step numbers");
  const std::int64_t from = a[0].as_integer()->get(), to = a[1].as_integer()->get();
  if (from < 1 || to < from || to > limits::kMaxSteps)
    f.fail("steps", "'steps' in " + f.what() + ": expected 1 <= from <= to <= " +
                        std::to_string(limits::kMaxSteps) + " (the step limit), found [" +
                        std::to_string(from) + ", " + std::to_string(to) + "]");
  return {static_cast<int>(from), static_cast<int>(to)};
}

class ScenarioLoader {
 public:
  explicit ScenarioLoader(const ScenarioOptions& options) : options_(options) {}

  LoadedScenario run(const std::string& path) {
    std::string model_dir = options_.model_dir;
    if (model_dir.empty())
      model_dir = (fs::path(path).parent_path() / ".." / "model").lexically_normal().string();
    if (model_dir.empty()) model_dir = "model";
    if (options_.model_dir.empty() && !fs::is_directory(model_dir))
      throw InputError(SourceLoc{path, 0, 0},
                       "no model folder at " + model_dir +
                           " (a scenario uses the model folder beside its own folder, ../model): "
                           "give --model DIR, e.g. --model model from the repository root");
    LoadedScenario out;
    out.model = load_model(model_dir);
    spec_ = &out.model;
    for (const auto& file : options_.claims_files) {
      if (!fs::is_regular_file(file))
        throw InputError(SourceLoc{file, 0, 0}, "--claims: file not found");
      spec_->files.push_back({file, sha256_file(file)});
      register_user_claims(parse_toml_file(file), file, true);
    }
    // The chain's own claims first, so that any file may cite its own or its parents' claims.
    for (const auto& file : chain_paths(path))
      register_user_claims(parse_toml_file(file), file, false);
    std::vector<RawFile> chain = read_chain(path);
    merge(chain, out.scenario);
    apply(out);
    return out;
  }

 private:
  // The user's own claims: [[claim]] tables with an id "user:NAME" (a prefix no claim of
  // claims.csv has), the source and a paraphrase. They join the model's claims for this scenario,
  // so overrides, shocks and pins can cite an analyst's assumption like the analyses' claims.
  // `only_claims`: a --claims file, which may hold nothing else.
  void register_user_claims(const toml::table& root, const std::string& path, bool only_claims) {
    Fields top(root, path, path);
    for (const toml::table* t : tables_of(top, "claim", true)) {
      Fields c(*t, path, "[[claim]]");
      const std::string id = c.string("id");
      const std::string name = id.rfind("user:", 0) == 0 ? id.substr(5) : "";
      if (name.empty() ||
          name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos)
        c.fail("id", "claim id '" + id +
                         "': a user's claim id is user:NAME (letters, digits, _ . -), e.g. "
                         "user:beijing_patience, so that it cannot clash with claims.csv");
      const std::string source = c.string("source");
      const std::string paraphrase = c.string("paraphrase");
      c.done();
      if (source.empty() || paraphrase.empty())
        c.fail(source.empty() ? "source" : "paraphrase",
               "claim '" + id + "': give its source and your paraphrase");
      const std::string text = paraphrase + " (source: " + source + ")";
      const auto [it, added] = user_claims_.emplace(id, std::make_pair(text, c.loc("id")));
      if (!added && it->second.first != text)
        c.fail("id", "claim '" + id + "' is defined twice, differently (first at " +
                         it->second.second.file + ":" + std::to_string(it->second.second.line) +
                         ")");
      spec_->claims[id] = text;
    }
    if (only_claims) top.done();
  }

  // The files of a scenario's chain, following `extends` (errors are read_chain's to report).
  std::vector<std::string> chain_paths(const std::string& leaf) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::string path = leaf;
    std::error_code ec;
    while (out.size() <= static_cast<std::size_t>(limits::kMaxExtendsDepth) &&
           fs::is_regular_file(path, ec) &&
           seen.insert(fs::weakly_canonical(path, ec).string()).second) {
      out.push_back(path);
      const toml::table root = parse_toml_file(path);
      const auto* extends = root["scenario"]["extends"].as_string();
      if (!extends) break;
      path = (fs::path(path).parent_path() / extends->get()).string();
    }
    return out;
  }

  std::map<std::string, std::pair<std::string, SourceLoc>> user_claims_;

  // Follows `extends` from the scenario to the root of its chain, iteratively: each file is
  // read once and the cycle check is a set lookup, so the cost is linear in the chain's length,
  // which is at most limits::kMaxExtendsDepth levels above the scenario.
  std::vector<RawFile> read_chain(const std::string& leaf) {
    std::vector<RawFile> chain;  // from the leaf up; reversed at the end
    std::set<std::string> seen;  // canonical paths of the files read
    std::string path = leaf;
    SourceLoc from;  // the `extends` that named `path`; empty for the leaf
    for (;;) {
      std::error_code ec;
      if (!seen.insert(fs::weakly_canonical(path, ec).string()).second)
        throw InputError(from, "'extends' makes a cycle through " + path);
      if (!fs::is_regular_file(path))
        throw InputError(from.file.empty() ? SourceLoc{path, 0, 0} : from,
                         "scenario file not found: " + path +
                             (from.file.empty() ? ""
                                                : " ('extends' is relative to the folder of the "
                                                  "file that names it)"));
      std::optional<std::pair<std::string, SourceLoc>> extends;
      chain.push_back(read_file(path, extends));
      if (!extends) break;
      if (chain.size() > static_cast<std::size_t>(limits::kMaxExtendsDepth))
        throw InputError(extends->second,
                         "expected at most " + std::to_string(limits::kMaxExtendsDepth) +
                             " levels of 'extends' above " + leaf + ", found more");
      from = extends->second;
      path = (fs::path(path).parent_path() / extends->first).string();
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  // Reads one file of a chain; `extends` receives its parent's relative path, if any.
  RawFile read_file(const std::string& path,
                    std::optional<std::pair<std::string, SourceLoc>>& extends) {
    const toml::table root = parse_toml_file(path);
    spec_->files.push_back({path, sha256_file(path)});
    Fields top(root, path, path);
    RawFile raw;
    raw.path = path;
    Fields s(top.table("scenario"), path, "[scenario]");
    if (s.has("extends")) extends = {{s.string("extends"), s.loc("extends")}};
    if (s.has("name")) {
      raw.name = s.string("name");
      raw.name_loc = s.loc("name");
    }
    raw.table_loc = s.loc();
    if (s.has("description")) raw.description = s.string("description");
    raw.claims = claims(s);
    if (s.has("steps")) raw.steps = s.integer("steps", 1, limits::kMaxSteps);
    if (s.has("runs")) raw.runs = s.integer("runs", 1, static_cast<int>(limits::kMaxRuns));
    if (s.has("seed"))
      raw.seed =
          static_cast<std::uint64_t>(s.integer("seed", 0, static_cast<int>(limits::kMaxSeed)));
    if (const toml::node* v = s.optional("view")) {
      std::vector<std::string> views;
      if (v->is_string())
        views.push_back(s.string_at(*v, "view"));
      else if (v->is_array())
        views = s.strings("view");
      else
        s.fail(*v, "'view' in [scenario]: expected a view name or an array of names");
      for (const auto& name : views) find_view(*spec_, name, s.loc("view"));
      raw.views = views;
    }
    s.done();
    for (const toml::table* t : tables_of(top, "override", true)) {
      Fields o(*t, path, "[[override]]");
      raw.overrides.push_back(read_override(o, *spec_, claims_source()));
    }
    for (const toml::table* t : tables_of(top, "shock", true))
      raw.shocks.push_back(read_shock(*t, path));
    for (const toml::table* t : tables_of(top, "pin", true)) raw.pins.push_back(read_pin(*t, path));
    tables_of(top, "claim", true);  // the user's claims, read first (register_user_claims)
    top.done();
    refuse_duplicates(raw);
    return raw;
  }

  // Within one file a repeated shock id or override path would silently drop the first one (the
  // later wins when merging); across files of a chain, replacing the parent's is the intent.
  static void refuse_duplicates(const RawFile& raw) {
    auto at = [](const SourceLoc& loc) {
      return std::to_string(loc.line) + ":" + std::to_string(loc.column);
    };
    std::map<std::string, const Shock*> shocks;
    for (const Shock& s : raw.shocks) {
      const auto [it, added] = shocks.emplace(s.id, &s);
      if (!added)
        throw InputError(s.id_loc, "duplicate shock id '" + s.id + "' in this file, first at " +
                                       at(it->second->id_loc) +
                                       ": expected unique ids (a file that extends another may "
                                       "reuse one of its parent's ids, to replace that shock)");
    }
    std::map<std::string, const Override*> overrides;
    for (const Override& o : raw.overrides) {
      const auto [it, added] = overrides.emplace(o.path, &o);
      if (!added)
        throw InputError(o.path_loc, "duplicate override of '" + o.path +
                                         "' in this file, first at " + at(it->second->path_loc) +
                                         ": expected each path once per file");
    }
  }

  // Where a scenario's claim ids may come from, as an unknown id's error says it.
  std::string claims_source() const {
    return spec_->dir +
           "/claims.csv (stancesim list claims) nor in a [[claim]] table of yours: declare your "
           "own as user:NAME in a [[claim]] table of this file or one it extends, or in a "
           "--claims FILE";
  }
  Claims claims(Fields& f) { return f.claims(spec_->claims, claims_source()); }

  Shock read_shock(const toml::table& t, const std::string& path) {
    Fields f(t, path, "[[shock]]");
    Shock s;
    s.loc = f.loc();
    s.id = f.string("id");
    s.id_loc = f.loc("id");
    f = Fields(t, path, "[[shock]] '" + s.id + "'");
    // Every key a shock may have counts as known from the start, so that a near miss of a
    // missing key is looked for among the unknown ones only ('set' is not a misspelt 'step').
    for (const char* key : {"id", "description", "step", "steps", "probability", "once", "when",
                            "set", "add", "class", "claims"})
      f.has(key);
    f.string("id");
    s.description = f.string("description");
    s.steps_loc = f.loc(f.has("step") ? "step" : "steps");
    std::tie(s.from, s.to) = read_steps(f);
    if (f.has("probability")) s.probability = f.number("probability", 0, 1);
    if (f.has("once")) s.once = f.boolean("once");
    if (f.has("when")) {
      s.when_text = f.string("when");
      s.when = Expr::parse(s.when_text, f.loc("when"), condition_resolver(*spec_));
    }
    s.set = read_assignments(f, "set", *spec_);
    s.add = read_assignments(f, "add", *spec_);
    if (f.has("class")) s.escalation_class = read_escalation_class(f, "class", *spec_);
    if (s.set.empty() && s.add.empty()) {
      f.reject_near_miss({"set", "add"});
      f.fail("id", "shock '" + s.id + "' changes nothing: give set or add");
    }
    s.claims = claims(f);
    f.done();
    return s;
  }

  Pin read_pin(const toml::table& t, const std::string& path) {
    Fields f(t, path, "[[pin]]");
    Pin p;
    p.loc = f.loc();
    p.actor = f.string("actor");
    const Actor* a = spec_->find_actor(p.actor);
    if (!a || !a->deciding) {
      std::vector<std::string> deciding;
      for (const auto& actor : spec_->actors)
        if (actor.deciding) deciding.push_back(actor.id);
      f.fail("actor", "unknown deciding actor '" + p.actor + "' in [[pin]]" +
                          did_you_mean(p.actor, deciding, ""));
    }
    p.track = f.string("track");
    const Track* tr = find_track(*a, p.track);
    if (!tr) {
      std::vector<std::string> tracks;
      for (const auto& track : a->tracks) tracks.push_back(track.id);
      f.fail("track", "unknown track '" + p.track + "' of actor '" + p.actor + "' in [[pin]]" +
                          did_you_mean(p.track, tracks, ""));
    }
    p.option = f.string("option");
    if (!find_option(*tr, p.option))
      f.fail("option", "unknown option '" + p.option + "' on track '" + p.actor + "." + p.track +
                           "' in [[pin]]" + option_hint(*tr, p.option));
    p.steps_loc = f.loc(f.has("step") ? "step" : "steps");
    std::tie(p.from, p.to) = read_steps(f);
    p.rationale = f.string("rationale");
    p.claims = claims(f);
    f.done();
    return p;
  }

  void merge(std::vector<RawFile>& chain, Scenario& sc) {
    const RawFile& leaf = chain.back();
    sc.file = leaf.path;
    for (const RawFile& raw : chain) {
      sc.chain.push_back(raw.path);
      if (raw.name) sc.name = *raw.name;
      if (raw.description) sc.description = *raw.description;
      sc.claims = raw.claims;
      if (raw.steps) sc.steps = *raw.steps;
      if (raw.runs) sc.runs = *raw.runs;
      if (raw.seed) sc.seed = *raw.seed;
      if (raw.views) sc.views = *raw.views;
      for (const auto& o : raw.overrides) sc.overrides.push_back(o);
      for (const auto& s : raw.shocks) {
        auto it = std::find_if(sc.shocks.begin(), sc.shocks.end(),
                               [&](const Shock& x) { return x.id == s.id; });
        if (it != sc.shocks.end())
          *it = s;  // a child file replaces its parent's shock of that id
        else
          sc.shocks.push_back(s);
      }
      for (const auto& p : raw.pins) sc.pins.push_back(p);
    }
    const std::string stem = fs::path(leaf.path).stem().string();
    if (!leaf.name) throw InputError(leaf.table_loc, "missing key 'name' in [scenario]");
    if (sc.name != stem)
      throw InputError(leaf.name_loc,
                       "scenario name '" + sc.name + "' must match the file name '" + stem + "'");
    if (!leaf.description)
      throw InputError(leaf.table_loc, "missing key 'description' in [scenario]");
  }

  static Override command_line_override(const std::string& set, const std::string& rationale) {
    const auto eq = set.find('=');
    Override o;
    o.loc = SourceLoc{"--set " + set, 0, 0};
    if (eq == std::string::npos || eq == 0) throw InputError(o.loc, "expected PATH=VALUE");
    o.path = set.substr(0, eq);
    const std::string value = set.substr(eq + 1);
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), o.value);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty())
      throw InputError(o.loc, "expected a number after '='");
    o.rationale = rationale;
    return o;
  }

  void apply(LoadedScenario& out) {
    Scenario& sc = out.scenario;
    if (!options_.views.empty()) sc.views = options_.views;
    std::vector<Override> all;
    for (const auto& set : options_.model_sets)
      all.push_back(command_line_override(set, "model variant"));
    for (const auto& name : sc.views)
      for (const auto& o : find_view(out.model, name, SourceLoc{"--view", 0, 0}).overrides)
        all.push_back(o);
    for (const auto& o : sc.overrides) all.push_back(o);
    for (const auto& set : options_.sets) all.push_back(command_line_override(set, "command line"));
    apply_overrides(out.model, all);
    sc.overrides = all;
    if (sc.steps == 0) sc.steps = out.model.default_steps;
    if (sc.runs == 0) sc.runs = 500;
    for (const auto& s : sc.shocks)
      if (s.to > sc.steps)
        throw InputError(s.steps_loc, "shock '" + s.id + "' acts at step " + std::to_string(s.to) +
                                          ", beyond the horizon of " + std::to_string(sc.steps) +
                                          " steps");
    for (std::size_t i = 0; i < sc.pins.size(); ++i) {
      const Pin& p = sc.pins[i];
      if (p.to > sc.steps)
        throw InputError(p.steps_loc, "pin acts at step " + std::to_string(p.to) +
                                          ", beyond the horizon of " + std::to_string(sc.steps) +
                                          " steps");
      for (std::size_t j = 0; j < i; ++j) {
        const Pin& q = sc.pins[j];
        if (q.actor == p.actor && q.track == p.track && p.from <= q.to && q.from <= p.to)
          throw InputError(p.steps_loc, "pin on '" + p.actor + "." + p.track +
                                            "' overlaps the pin at " + q.loc.file + ":" +
                                            std::to_string(q.loc.line));
      }
    }
  }

  const ScenarioOptions& options_;
  ModelSpec* spec_ = nullptr;
};

}  // namespace

LoadedScenario load_scenario(const std::string& path, const ScenarioOptions& options) {
  return ScenarioLoader(options).run(path);
}

}  // namespace stancesim
