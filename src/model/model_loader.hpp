// The loader of the model directory, split over load.cpp (files, state, derived metrics),
// load_actors.cpp (actors, utility) and load_rules.cpp (dynamics, rules, views). Internal to
// src/model/: use load_model() from model/load.hpp.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "model/load.hpp"

namespace stancesim {

class ModelLoader {
 public:
  explicit ModelLoader(const std::string& dir) { spec_.dir = dir; }

  ModelSpec run();

 private:
  toml::table open(const std::string& name, std::string& file);
  void load_model_file();
  void load_state();
  void load_derived();
  Option read_option(Fields& parent, const toml::node& node, const std::string& where);
  void load_actors();
  void load_utility();
  void load_dynamics();
  void load_rules();
  void load_views();

  std::string path(const std::string& name) const {
    return (std::filesystem::path(spec_.dir) / name).string();
  }

  Claims claims(Fields& f) { return f.claims(spec_.claims, path("claims.csv")); }

  template <class T, class Name>
  void unique(const std::vector<T>& items, const Name& name, const std::string& what) {
    std::set<std::string> seen;
    for (const auto& item : items)
      if (!seen.insert(name(item)).second)
        throw InputError(item.loc, "duplicate " + what + " '" + name(item) + "'");
  }

  const Variable& variable(Fields& f, std::string_view key) {
    const std::string name = f.string(key);
    const Variable* v = spec_.find_variable(name);
    if (!v) f.fail(key, "unknown state variable '" + name + "' in " + f.what());
    return *v;
  }

  const Actor& actor(Fields& f, std::string_view key, bool deciding_only) {
    const std::string id = f.string(key);
    const Actor* a = spec_.find_actor(id);
    if (!a) f.fail(key, "unknown actor '" + id + "' in " + f.what());
    if (deciding_only && !a->deciding)
      f.fail(key, "actor '" + id + "' in " + f.what() + " is reactive: expected a deciding actor");
    return *a;
  }

  const Track& track(Fields& f, std::string_view key, const Actor& a) {
    const std::string id = f.string(key);
    const Track* t = find_track(a, id);
    if (!t) f.fail(key, "unknown track '" + id + "' of actor '" + a.id + "' in " + f.what());
    return *t;
  }

  const Option& option(Fields& f, std::string_view key, const Actor& a, const Track& t) {
    const std::string id = f.string(key);
    const Option* o = find_option(t, id);
    if (!o)
      f.fail(key,
             "unknown option '" + id + "' on track '" + a.id + "." + t.id + "' in " + f.what());
    return *o;
  }

  ModelSpec spec_;
};

}  // namespace stancesim
