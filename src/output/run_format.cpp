#include "output/run_format.hpp"

namespace stancesim {

RunFormatter::RunFormatter(const CompiledModel& model) : m_(model) {
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
    for (std::size_t i = 0; i < m_.actors[a].choice_values.size(); ++i)
      if (m_.actors[a].choice_values[i] != 0) used[i % np] = 1;
    for (const auto& r : m_.rules)
      if (r.has_demand && r.demand.actor == static_cast<int>(a))
        used[static_cast<std::size_t>(r.demand.priority)] = 1;
    used[static_cast<std::size_t>(m_.inertia_priority)] = 1;
    if (m_.actors[a].escalatory_leverage >= 0)
      used[static_cast<std::size_t>(m_.damping_priority)] = 1;
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
  for (const auto& v : m_.var_names) h += "," + v;
  for (const auto& v : m_.metric_names) h += "," + v;
  for (const auto& v : m_.extra_columns) h += "," + v;
  return h + "\n";
}

std::string RunFormatter::events_header() const {
  return "scenario,run,step,date,rule,actor,detail,claims\n";
}

std::string RunFormatter::utilities_header() const {
  return "scenario,run,step,actor,option,priority,value\n";
}

void RunFormatter::format(int run, const RunRecord& r, RunText& out) const {
  for (int step = 1; step <= r.steps; ++step)
    for (int slot = 0; slot < r.n_slots; ++slot) {
      out.decisions.raw(scenario_)
          .comma()
          .integer(run)
          .comma()
          .integer(step)
          .comma()
          .raw(m_.dates[static_cast<std::size_t>(step)])
          .comma();
      out.decisions
          .raw(option_cells[static_cast<std::size_t>(slot)]
                           [static_cast<std::size_t>(r.choice_at(step, slot))])
          .comma();
      out.decisions.fixed4(r.probability_at(step, slot)).newline();
    }
  for (int step = 0; step <= r.steps; ++step) {
    out.state.raw(scenario_).comma().integer(run).comma().integer(step).comma().raw(
        m_.dates[static_cast<std::size_t>(step)]);
    const double* row = r.state_row(step);
    for (int c = 0; c < r.n_columns; ++c) out.state.comma().fixed4(row[c]);
    out.state.newline();
  }
  for (const auto& e : r.events) {
    out.events.raw(scenario_)
        .comma()
        .integer(run)
        .comma()
        .integer(e.step)
        .comma()
        .raw(m_.dates[static_cast<std::size_t>(e.step)])
        .comma();
    out.events
        .raw(e.shock ? shock_cells[static_cast<std::size_t>(e.source)]
                     : rule_cells[static_cast<std::size_t>(e.source)])
        .newline();
  }
  if (!r.explained) return;
  const std::size_t np = m_.priorities.size();
  for (int step = 1; step <= r.steps; ++step)
    for (std::size_t a = 0; a < m_.actors.size(); ++a) {
      const auto& actor = m_.actors[a];
      const double* block = &r.utilities[static_cast<std::size_t>((step - 1) * r.utility_stride +
                                                                  r.utility_offset[a])];
      for (int j = 0; j < actor.n_joint; ++j)
        for (const int p : actor_priorities[a]) {
          out.utilities.raw(scenario_)
              .comma()
              .integer(run)
              .comma()
              .integer(step)
              .comma()
              .raw(actor.id)
              .comma();
          out.utilities.raw(actor.joint_names[static_cast<std::size_t>(j)])
              .comma()
              .raw(m_.priorities[static_cast<std::size_t>(p)])
              .comma();
          out.utilities
              .fixed4(block[static_cast<std::size_t>(j) * np + static_cast<std::size_t>(p)])
              .newline();
        }
    }
}

}  // namespace stancesim
