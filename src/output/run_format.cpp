#include "output/run_format.hpp"

namespace stancesim {

RunFormatter::RunFormatter(const CompiledModel& model, RunParts parts) : m_(model), parts_(parts) {
  scenario_ = CsvBuffer::quote(m_.scenario);
  for (const auto& [a, t] : m_.level_slots) {
    const auto& actor = m_.actors[static_cast<std::size_t>(a)];
    const auto& track = actor.tracks[static_cast<std::size_t>(t)];
    std::vector<std::string> cells;
    for (const auto& o : track.options)
      cells.push_back(actor.id + "," + track.id + "," + o.id + "," + std::to_string(o.level));
    option_cells.push_back(std::move(cells));
  }
  for (const auto& r : m_.rules)
    rule_cells.push_back(CsvBuffer::quote(r.id) + "," + r.actor + "," + CsvBuffer::quote(r.detail) +
                         "," + CsvBuffer::quote(r.claims));
  for (const auto& s : m_.shocks)
    shock_cells.push_back(CsvBuffer::quote("shock:" + s.id) + ",scenario," +
                          CsvBuffer::quote(s.detail) + "," + CsvBuffer::quote(s.claims));
  // Utilities: only the priorities that can move an actor's choice are written for it.
  const std::size_t np = m_.priorities.size();
  for (std::size_t a = 0; a < m_.actors.size(); ++a) {
    std::vector<char> used(np, 0);
    for (const int k : m_.actors[a].terms)
      used[static_cast<std::size_t>(m_.terms[static_cast<std::size_t>(k)].priority)] = 1;
    for (const auto& t : m_.actors[a].tracks)
      for (std::size_t o = 0; o < t.options.size(); ++o)
        for (std::size_t p = 0; p < np; ++p)
          if (m_.choice_values[(static_cast<std::size_t>(t.first) + o) * np + p] != 0) used[p] = 1;
    for (const auto& r : m_.rules)
      if (r.has_demand && r.demand.actor == static_cast<int>(a))
        used[static_cast<std::size_t>(r.demand.priority)] = 1;
    used[static_cast<std::size_t>(m_.inertia_priority)] = 1;
    if (!m_.actors[a].leverages.empty()) used[static_cast<std::size_t>(m_.damping_priority)] = 1;
    std::vector<int> list;
    for (std::size_t p = 0; p < np; ++p)
      if (used[p]) list.push_back(static_cast<int>(p));
    actor_priorities.push_back(std::move(list));
  }
}

std::string RunFormatter::decisions_header() const {
  return "scenario,run,step,date,actor,track,option,level,probability\n";
}

std::string RunFormatter::state_header() const {
  std::string h = "scenario,run,step,date";
  for (const auto& v : m_.layout.names) h += "," + v;
  return h + "\n";
}

std::string RunFormatter::events_header() const {
  return "scenario,run,step,date,rule,actor,detail,claims\n";
}

std::string RunFormatter::utilities_header() const {
  return "scenario,run,step,actor,track,option,priority,value,probability\n";
}

void RunFormatter::format(int run, const RunRecord& r, RunText& out) const {
  if (parts_.decisions) format_decisions(run, r, out.decisions);
  if (parts_.state) format_state(run, r, out.state);
  if (parts_.events) format_events(run, r, out.events);
  if (r.explained) format_utilities(run, r, out.utilities);
}

void RunFormatter::format_decisions(int run, const RunRecord& r, CsvBuffer& decisions) const {
  for (int step = 1; step <= r.steps; ++step)
    for (int slot = 0; slot < r.n_slots; ++slot) {
      decisions.raw(scenario_)
          .comma()
          .integer(run)
          .comma()
          .integer(step)
          .comma()
          .raw(m_.dates[static_cast<std::size_t>(step)])
          .comma();
      decisions
          .raw(option_cells[static_cast<std::size_t>(slot)]
                           [static_cast<std::size_t>(r.choice_at(step, slot))])
          .comma();
      decisions.fixed4(r.probability_at(step, slot)).newline();
    }
}

void RunFormatter::format_state(int run, const RunRecord& r, CsvBuffer& state) const {
  for (int step = 0; step <= r.steps; ++step) {
    state.raw(scenario_).comma().integer(run).comma().integer(step).comma().raw(
        m_.dates[static_cast<std::size_t>(step)]);
    const double* row = r.state_row(step);
    for (int c = 0; c < r.n_columns; ++c) state.comma().fixed4(row[c]);
    state.newline();
  }
}

void RunFormatter::format_events(int run, const RunRecord& r, CsvBuffer& events) const {
  for (const auto& e : r.events) {
    events.raw(scenario_)
        .comma()
        .integer(run)
        .comma()
        .integer(e.step)
        .comma()
        .raw(m_.dates[static_cast<std::size_t>(e.step)])
        .comma();
    events
        .raw(e.shock ? shock_cells[static_cast<std::size_t>(e.source)]
                     : rule_cells[static_cast<std::size_t>(e.source)])
        .newline();
  }
}

void RunFormatter::format_utilities(int run, const RunRecord& r, CsvBuffer& utilities) const {
  // Per track, each option with the actor's other tracks at the options it chose that week: its
  // expected utility by priority and its probability given those other options.
  const std::size_t np = m_.priorities.size(), stride = np + 1;
  CsvBuffer first, other;  // one run's scratch: the formatter is shared by the workers
  std::vector<int> separating;
  for (int step = 1; step <= r.steps; ++step)
    for (std::size_t a = 0; a < m_.actors.size(); ++a) {
      const auto& actor = m_.actors[a];
      const double* block = &r.utilities[static_cast<std::size_t>((step - 1) * r.utility_stride +
                                                                  r.utility_offset[a])];
      int chosen = 0;
      for (const auto& t : actor.tracks)
        chosen = chosen * static_cast<int>(t.options.size()) + r.choice_at(step, t.slot);
      for (std::size_t t = 0; t < actor.tracks.size(); ++t) {
        const auto& track = actor.tracks[t];
        // Joint options that differ from the chosen one on this track only.
        int radix = 1;
        for (std::size_t u = t + 1; u < actor.tracks.size(); ++u)
          radix *= static_cast<int>(actor.tracks[u].options.size());
        const int base = chosen - r.choice_at(step, track.slot) * radix;
        double total = 0;
        for (std::size_t o = 0; o < track.options.size(); ++o)
          total +=
              block[static_cast<std::size_t>(base + static_cast<int>(o) * radix) * stride + np];
        auto row_of = [&](std::size_t o) {
          return block + static_cast<std::size_t>(base + static_cast<int>(o) * radix) * stride;
        };
        // A priority that gives every option of the track the same value (as written, to 4
        // decimals) adds the same to each logit score and cannot move the choice: its rows are
        // left out that week, which keeps the file to what explains the choices.
        separating.clear();
        for (const int p : actor_priorities[a]) {
          first.clear();
          first.fixed4(row_of(0)[static_cast<std::size_t>(p)]);
          for (std::size_t o = 1; o < track.options.size(); ++o) {
            other.clear();
            other.fixed4(row_of(o)[static_cast<std::size_t>(p)]);
            if (other.view() != first.view()) {
              separating.push_back(p);
              break;
            }
          }
        }
        for (std::size_t o = 0; o < track.options.size(); ++o) {
          const double* row = row_of(o);
          const double probability = total > 0 ? row[np] / total : 0.0;
          for (const int p : separating) {
            utilities.raw(scenario_).comma().integer(run).comma().integer(step).comma();
            utilities.raw(actor.id).comma().raw(track.id).comma().raw(track.options[o].id).comma();
            utilities.raw(m_.priorities[static_cast<std::size_t>(p)]).comma();
            utilities.fixed4(row[static_cast<std::size_t>(p)])
                .comma()
                .fixed4(probability)
                .newline();
          }
        }
      }
    }
}

}  // namespace stancesim
