// Limits on what a model, a scenario or a command line may ask for. Each keeps a hostile or
// mistaken input from crashing, hanging or exhausting the machine; exceeding one is an input
// error (exit 2) that names the limit. They are documented in the README ("Limits").
#pragma once

#include <cstdint>

namespace stancesim::limits {

// Runs of one ensemble (scenario files and --runs alike).
inline constexpr std::int64_t kMaxRuns = 10'000'000;
// Weeks of one run (scenario files, --steps and the model's clock).
inline constexpr int kMaxSteps = 520;
// Simulated weeks of one ensemble (runs x steps): about a day of work on one core.
inline constexpr std::int64_t kMaxRunWeeks = 2'000'000'000;
// Base seeds: 0 .. 2^31 - 1 (scenario files, --seed, manifests).
inline constexpr std::int64_t kMaxSeed = 2'147'483'647;
// Points of one sweep's design, and runs of one sweep in all (points x scenarios x runs).
inline constexpr std::int64_t kMaxDesignPoints = 1'000'000;
inline constexpr std::int64_t kMaxSweepRuns = 1'000'000'000;
// Worker threads of one process.
inline constexpr int kMaxThreads = 256;

// Nesting of one condition (`when`): parentheses and `not`, counted together.
inline constexpr int kMaxConditionDepth = 64;
// Comparisons (and `always`) in one condition, which bound the cost of evaluating it each step.
inline constexpr int kMaxConditionTerms = 1000;

// Levels of `extends` above a scenario file (parent, grandparent, ...).
inline constexpr int kMaxExtendsDepth = 32;
// Joint options of one deciding actor (the product of its tracks' option counts).
inline constexpr std::int64_t kMaxJointOptions = 4096;

}  // namespace stancesim::limits
