// Global sensitivity analysis: experimental designs on the unit hypercube and the estimators that
// read a model's outputs on them. Pure functions, no I/O; every random draw is a counter draw
// (core/rng.hpp), so results are a function of the arguments and the seed alone.
//
// Designs live on [0, 1]^k; the caller scales column j to parameter j's range before running the
// model, and passes the outputs back in design-row order. A design holds at most
// kMaxDesignValues numbers (rows x dims); asking for more, or for arguments out of range, throws
// InputError.
//
// - saltelli_design / sobol_indices: variance-based first-order and total indices.
//   Design: Saltelli (2002), "Making best use of model evaluations to compute sensitivity
//   indices", and Saltelli et al. (2010), "Variance based sensitivity analysis of model output",
//   as SALib's saltelli.sample with calc_second_order=false (Sobol' points by Boost.Random, Joe-Kuo
//   direction numbers). Estimators: first order Saltelli et al. (2010), Table 2 (b); total Jansen
//   (1999). Intervals: percentile bootstrap over base rows.
// - morris_design / morris_indices: elementary effects, Morris (1991), "Factorial sampling plans
//   for preliminary computational experiments", with mu* of Campolongo, Cariboni & Saltelli
//   (2007). The design is the standard (unoptimised) trajectory construction, as SALib's
//   morris.sample without optimal_trajectories.
// - latin_hypercube_design, grid_design: space-filling and full-factorial designs for exploration
//   (for example as input to PRIM, analysis/prim.hpp).
#pragma once

#include <cstdint>
#include <vector>

namespace stancesim {

inline constexpr std::int64_t kMaxDesignValues = 100'000'000;

// Points of the unit hypercube, one row per model run.
struct Design {
  int dims = 0;
  std::vector<double> x;  // rows() x dims, row-major

  int rows() const {
    return dims == 0 ? 0 : static_cast<int>(x.size() / static_cast<std::size_t>(dims));
  }
  double at(int row, int dim) const {
    return x[static_cast<std::size_t>(row) * static_cast<std::size_t>(dims) +
             static_cast<std::size_t>(dim)];
  }
};

// A point estimate with a percentile-bootstrap interval around it.
struct Interval {
  double estimate = 0;
  double low = 0;
  double high = 0;
};

// Saltelli's design for first-order and total indices of k factors from n base rows.
//
// One Sobol' sequence of dimension 2k (Boost.Random, Joe-Kuo direction numbers) gives, row by row,
// the base matrices A (its first k columns) and B (its last k). The first `skip` points of the
// sequence are dropped, skip = n rounded up to a power of two (SALib's default: the origin and the
// early points are poorly spread), so point i of the base is sequence point skip + i.
// For each base row i = 0 .. n-1 the design holds n (k + 2) rows in all, k + 2 per base row:
//   row i (k+2)           A_i
//   row i (k+2) + 1 + j   AB_i^(j), A_i with column j taken from B_i  (j = 0 .. k-1)
//   row i (k+2) + k + 1   B_i
// Powers of two for n keep the Sobol' points balanced. Requires k >= 1, 2k <= 3667, n >= 2.
Design saltelli_design(int k, int n);

struct SobolIndices {
  std::vector<Interval> first;  // per factor
  std::vector<Interval> total;  // per factor
  double variance = 0;          // V, the output variance the indices are fractions of
};

// First-order and total Sobol' indices from y, one output per row of saltelli_design(k, n), in the
// same order. With fA, fB, fAB^(j) the outputs on A, B, AB^(j) and N = n:
//   V    = variance (divisor 2N) of the 2N values fA and fB together;
//   S_j  = (1/N) sum_i fB_i (fAB^(j)_i - fA_i) / V            Saltelli et al. 2010, Table 2 (b)
//   ST_j = (1/2N) sum_i (fA_i - fAB^(j)_i)^2 / V              Jansen 1999
// Outputs are centred on the mean of fA and fB first: the first-order sum is then invariant to a
// shift of y and has a smaller variance (SALib standardises y for the same reason).
// Intervals: percentile bootstrap at `confidence` (e.g. 0.95): base rows i are resampled with
// replacement `resamples` times and every quantity, V included, is recomputed on each resample.
// Bootstrap rows are uniform counter draws CounterRng(seed, 0), stream "sobol/bootstrap", step =
// resample, index = draw. The bootstrap treats base rows as independent, which Sobol' points are
// not, so the intervals are conservative for the quasi-random design.
// Requires a non-constant, finite y of size n (k + 2), resamples >= 2, 0 < confidence < 1.
SobolIndices sobol_indices(const std::vector<double>& y, int k, int n, int resamples,
                           double confidence, std::uint64_t seed);

// Morris trajectories: `trajectories` (r) trajectories of k + 1 rows on the p-level grid
// {0, 1/(p-1), ..., 1}, p = levels, with step delta = p / (2 (p - 1)) (on the grid because p is
// even). Layout: trajectory t is rows t (k+1) .. t (k+1) + k; row t (k+1) + s (s = 1 .. k) differs
// from the row before it in exactly one factor, by +delta or -delta, and each factor moves once
// per trajectory. Construction (Morris 1991, as SALib morris.sample without optimisation): per
// trajectory a random base point x* with each coordinate drawn from the p/2 levels <= 1 - delta, a
// random direction d_j = +-1 per factor, and a random order of the factors (Fisher-Yates); factor j
// starts at x*_j when d_j = +1 (and moves up to x*_j + delta) or at x*_j + delta when d_j = -1 (and
// moves down to x*_j), so every point stays in [0, 1]. Draws: CounterRng(seed, 0), streams
// "morris/base", "morris/direction", "morris/order", step = trajectory, index = factor.
// Requires k >= 1, trajectories >= 2, levels even and >= 2.
Design morris_design(int k, int trajectories, int levels, std::uint64_t seed);

struct MorrisIndices {            // per factor, each with a bootstrap interval
  std::vector<Interval> mu_star;  // mean |EE|
  std::vector<Interval> mu;       // mean EE
  std::vector<Interval> sigma;    // standard deviation of EE (divisor r - 1)
};

// Elementary effects from y, one output per row of a design with morris_design's layout. The
// effect of the factor j that moves between consecutive rows is EE = (y_after - y_before) /
// (x_after,j - x_before,j): the change per unit of the unit cube, so for y = sum c_j x_j every
// EE_j equals c_j (mu*_j = |c_j|, sigma_j = 0). The design is checked: each step must move exactly
// one factor by delta = levels / (2 (levels - 1)), each factor once per trajectory.
// Intervals on mu*, mu and sigma: percentile bootstrap at `confidence` over trajectories (resampled
// with replacement `resamples` times; CounterRng(seed, 0), stream "morris/bootstrap"; the same
// resamples for the three).
MorrisIndices morris_indices(const Design& design, const std::vector<double>& y, int levels,
                             int resamples, double confidence, std::uint64_t seed);

// Latin hypercube of n rows: each column's [0, 1) is cut into n strata [s/n, (s+1)/n), each
// stratum holds exactly one row, at a uniform draw within it; the strata are assigned to rows by
// an independent Fisher-Yates shuffle per column. Draws: CounterRng(seed, 0), streams "lhs/order"
// and "lhs/position", step = column. Requires k >= 1, n >= 1.
Design latin_hypercube_design(int k, int n, std::uint64_t seed);

// Full-factorial grid: levels[j] evenly spaced points of [0, 1] in dimension j (i / (levels[j]-1);
// one level is the midpoint 0.5), every combination once, the last dimension varying fastest.
// Requires at least one dimension and every levels[j] >= 1.
Design grid_design(const std::vector<int>& levels);

}  // namespace stancesim
