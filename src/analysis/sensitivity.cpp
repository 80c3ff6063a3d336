#include "analysis/sensitivity.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace stancesim {
namespace {

using Size = std::size_t;

void require(bool ok, const std::string& message) {
  if (!ok) throw InputError(message);
}

Size to_size(std::int64_t v) {
  return static_cast<Size>(v);
}

// Rows x dims must stay within kMaxDesignValues (which also keeps the row count an int).
void require_design_size(std::int64_t rows, int dims, const char* what) {
  require(rows <= kMaxDesignValues / dims,
          std::string(what) + ": the design would hold more than " +
              std::to_string(kMaxDesignValues) + " values (rows x dimensions)");
}

void require_confidence(int resamples, double confidence, const char* what) {
  require(resamples >= 2,
          std::string(what) + ": resamples must be at least 2, got " + std::to_string(resamples));
  require(confidence > 0 && confidence < 1,
          std::string(what) + ": confidence must lie strictly between 0 and 1, got " +
              std::to_string(confidence));
}

// A uniform index in 0 .. n-1 from one counter draw.
Size draw_index(const CounterRng& rng, std::uint64_t stream, std::uint64_t step,
                std::uint64_t index, Size n) {
  const auto i = static_cast<Size>(rng.uniform(stream, step, index) * static_cast<double>(n));
  return std::min(i, n - 1);
}

// In-place Fisher-Yates shuffle driven by counter draws (step fixes the shuffle's identity).
void shuffle(std::vector<Size>& v, const CounterRng& rng, std::uint64_t stream,
             std::uint64_t step) {
  for (Size i = v.size(); i > 1; --i) std::swap(v[i - 1], v[draw_index(rng, stream, step, i, i)]);
}

// Quantile with linear interpolation between order statistics (type 7, numpy's default).
double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<Size>(std::floor(h));
  const Size hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Interval percentile_interval(double estimate, std::vector<double> samples, double confidence) {
  if (samples.empty()) return {estimate, estimate, estimate};
  std::sort(samples.begin(), samples.end());
  const double tail = (1 - confidence) / 2;
  return {estimate, quantile_sorted(samples, tail), quantile_sorted(samples, 1 - tail)};
}

double unit(std::uint64_t v) {
  return std::min(static_cast<double>(v) * 0x1p-64, std::nextafter(1.0, 0.0));
}

// Sobol' estimates on the base rows listed in `rows` (a bootstrap resample or all of them).
// Returns V; first and total are filled per factor. V == 0 leaves them undefined.
double sobol_estimate(const std::vector<double>& y, int k, const std::vector<Size>& rows,
                      std::vector<double>& first, std::vector<double>& total) {
  const Size stride = to_size(k) + 2;
  const auto fa = [&](Size i) { return y[i * stride]; };
  const auto fb = [&](Size i) { return y[i * stride + stride - 1]; };
  double centre = 0;
  for (Size i : rows) centre += fa(i) + fb(i);
  const double count = static_cast<double>(rows.size());
  centre /= 2 * count;
  double variance = 0;
  for (Size i : rows) {
    variance += (fa(i) - centre) * (fa(i) - centre) + (fb(i) - centre) * (fb(i) - centre);
  }
  variance /= 2 * count;
  first.assign(to_size(k), 0.0);
  total.assign(to_size(k), 0.0);
  for (Size i : rows) {
    const double a = fa(i), b = fb(i) - centre;
    for (Size j = 0; j < to_size(k); ++j) {
      const double ab = y[i * stride + 1 + j];
      first[j] += b * (ab - a);
      total[j] += (a - ab) * (a - ab);
    }
  }
  for (Size j = 0; j < to_size(k); ++j) {
    first[j] /= count * variance;
    total[j] /= 2 * count * variance;
  }
  return variance;
}

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double d) { return std::isfinite(d); });
}

}  // namespace

Design saltelli_design(int k, int n) {
  constexpr int kMaxFactors =
      static_cast<int>(boost::random::default_sobol_table::max_dimension / 2);
  require(k >= 1 && k <= kMaxFactors, "saltelli_design: factors k must lie in 1 .. " +
                                          std::to_string(kMaxFactors) + ", got " +
                                          std::to_string(k));
  require(n >= 2, "saltelli_design: base rows n must be at least 2, got " + std::to_string(n));
  const std::int64_t rows = std::int64_t{n} * (k + 2);
  require_design_size(rows, k, "saltelli_design");

  std::uint64_t skip = 1;
  while (skip < static_cast<std::uint64_t>(n)) skip <<= 1;
  const Size width = 2 * to_size(k);
  boost::random::sobol sequence(width);
  // Boost's engine starts at sequence point 1 (it leaves out the origin, point 0).
  sequence.discard((skip - 1) * width);

  Design design;
  design.dims = k;
  design.x.resize(to_size(rows) * to_size(k));
  std::vector<double> point(width);
  const Size dims = to_size(k);
  for (Size i = 0; i < to_size(n); ++i) {
    for (double& v : point) v = unit(sequence());
    double* out = design.x.data() + i * (dims + 2) * dims;
    std::copy_n(point.begin(), dims, out);  // A_i
    for (Size j = 0; j < dims; ++j) {       // AB_i^(j)
      double* row = out + (1 + j) * dims;
      std::copy_n(point.begin(), dims, row);
      row[j] = point[dims + j];
    }
    std::copy_n(point.begin() + static_cast<std::ptrdiff_t>(dims), dims, out + (dims + 1) * dims);
  }
  return design;
}

SobolIndices sobol_indices(const std::vector<double>& y, int k, int n, int resamples,
                           double confidence, std::uint64_t seed) {
  require(k >= 1, "sobol_indices: factors k must be at least 1, got " + std::to_string(k));
  require(n >= 2, "sobol_indices: base rows n must be at least 2, got " + std::to_string(n));
  require_confidence(resamples, confidence, "sobol_indices");
  const std::int64_t expected = std::int64_t{n} * (k + 2);
  require(static_cast<std::int64_t>(y.size()) == expected,
          "sobol_indices: expected n (k + 2) = " + std::to_string(expected) +
              " outputs (one per row of saltelli_design(k, n)), got " + std::to_string(y.size()));
  require(all_finite(y), "sobol_indices: outputs must be finite");

  std::vector<Size> rows(to_size(n));
  std::iota(rows.begin(), rows.end(), Size{0});
  std::vector<double> first, total;
  SobolIndices result;
  result.variance = sobol_estimate(y, k, rows, first, total);
  require(result.variance > 0,
          "sobol_indices: the output is constant on A and B; indices are "
          "undefined");

  // Bootstrap samples per factor; a resample with V == 0 (possible only for tiny n) is left out.
  std::vector<std::vector<double>> first_samples(to_size(k)), total_samples(to_size(k));
  const CounterRng rng(seed, 0);
  const auto stream = stream_id("sobol/bootstrap");
  std::vector<double> f, t;
  for (int b = 0; b < resamples; ++b) {
    for (Size i = 0; i < rows.size(); ++i) {
      rows[i] = draw_index(rng, stream, static_cast<std::uint64_t>(b), i, to_size(n));
    }
    if (!(sobol_estimate(y, k, rows, f, t) > 0)) continue;
    for (Size j = 0; j < to_size(k); ++j) {
      first_samples[j].push_back(f[j]);
      total_samples[j].push_back(t[j]);
    }
  }
  for (Size j = 0; j < to_size(k); ++j) {
    result.first.push_back(percentile_interval(first[j], std::move(first_samples[j]), confidence));
    result.total.push_back(percentile_interval(total[j], std::move(total_samples[j]), confidence));
  }
  return result;
}

Design morris_design(int k, int trajectories, int levels, std::uint64_t seed) {
  require(k >= 1, "morris_design: factors k must be at least 1, got " + std::to_string(k));
  require(trajectories >= 2,
          "morris_design: trajectories must be at least 2, got " + std::to_string(trajectories));
  require(levels >= 2 && levels % 2 == 0,
          "morris_design: levels must be even and at least 2 (so that the step p / (2 (p - 1)) "
          "lies on the grid), got " +
              std::to_string(levels));
  const std::int64_t rows = std::int64_t{trajectories} * (k + 1);
  require_design_size(rows, k, "morris_design");

  const CounterRng rng(seed, 0);
  const auto base_stream = stream_id("morris/base");
  const auto direction_stream = stream_id("morris/direction");
  const auto order_stream = stream_id("morris/order");
  const Size dims = to_size(k);
  const Size half = to_size(levels / 2);  // delta in grid steps
  const auto top = static_cast<double>(levels - 1);

  Design design;
  design.dims = k;
  design.x.reserve(to_size(rows) * dims);
  std::vector<Size> level(dims), order(dims);
  std::vector<bool> up(dims);
  const auto write_row = [&] {
    for (Size lv : level) design.x.push_back(static_cast<double>(lv) / top);
  };
  for (int t = 0; t < trajectories; ++t) {
    const auto step = static_cast<std::uint64_t>(t);
    for (Size j = 0; j < dims; ++j) {
      up[j] = rng.uniform(direction_stream, step, j) < 0.5;
      level[j] = draw_index(rng, base_stream, step, j, half) + (up[j] ? 0 : half);
    }
    std::iota(order.begin(), order.end(), Size{0});
    shuffle(order, rng, order_stream, step);
    write_row();
    for (Size j : order) {
      level[j] = up[j] ? level[j] + half : level[j] - half;
      write_row();
    }
  }
  return design;
}

MorrisIndices morris_indices(const Design& design, const std::vector<double>& y, int levels,
                             int resamples, double confidence, std::uint64_t seed) {
  const int k = design.dims;
  require(k >= 1, "morris_indices: the design has no dimensions");
  require(design.x.size() % to_size(k) == 0,
          "morris_indices: the design's values are not a whole number of rows");
  require(levels >= 2 && levels % 2 == 0,
          "morris_indices: levels must be even and at least 2, got " + std::to_string(levels));
  require_confidence(resamples, confidence, "morris_indices");
  const int rows = design.rows();
  require(rows % (k + 1) == 0 && rows / (k + 1) >= 2,
          "morris_indices: the design must hold at least 2 trajectories of k + 1 = " +
              std::to_string(k + 1) + " rows, got " + std::to_string(rows) + " rows");
  require(static_cast<int>(y.size()) == rows,
          "morris_indices: expected one output per design row (" + std::to_string(rows) +
              "), got " + std::to_string(y.size()));
  require(all_finite(y), "morris_indices: outputs must be finite");

  const Size dims = to_size(k), r = to_size(rows / (k + 1));
  const double delta = levels / (2.0 * (levels - 1));
  std::vector<double> effects(r * dims);  // r x k
  for (Size t = 0; t < r; ++t) {
    std::vector<bool> moved(dims, false);
    for (Size s = 1; s <= dims; ++s) {
      const int before = static_cast<int>(t * (dims + 1) + s - 1), after = before + 1;
      Size changed = dims;
      for (Size j = 0; j < dims; ++j) {
        if (design.at(after, static_cast<int>(j)) == design.at(before, static_cast<int>(j)))
          continue;
        require(changed == dims, "morris_indices: row " + std::to_string(after) +
                                     " moves more than one factor from the row before it");
        changed = j;
      }
      require(changed < dims && !moved[changed], "morris_indices: trajectory " + std::to_string(t) +
                                                     " must move each factor exactly once (row " +
                                                     std::to_string(after) + ")");
      moved[changed] = true;
      const double dx = design.at(after, static_cast<int>(changed)) -
                        design.at(before, static_cast<int>(changed));
      require(std::abs(std::abs(dx) - delta) <= 1e-9,
              "morris_indices: row " + std::to_string(after) + " moves factor " +
                  std::to_string(changed) + " by " + std::to_string(dx) +
                  ", not by +-delta = " + std::to_string(delta));
      effects[t * dims + changed] = (y[to_size(after)] - y[to_size(before)]) / dx;
    }
  }

  // mu*, mu and sigma of the effects of trajectories `pick(i)`, i = 0 .. r-1, per factor.
  const auto count = static_cast<double>(r);
  auto moments = [&](auto pick, Size j, double& mu_star, double& mu, double& sigma) {
    double sum = 0, abs_sum = 0;
    for (Size i = 0; i < r; ++i) {
      const double e = effects[pick(i) * dims + j];
      sum += e;
      abs_sum += std::abs(e);
    }
    mu = sum / count;
    mu_star = abs_sum / count;
    double squares = 0;
    for (Size i = 0; i < r; ++i) {
      const double e = effects[pick(i) * dims + j];
      squares += (e - mu) * (e - mu);
    }
    sigma = std::sqrt(squares / (count - 1));
  };
  const Size nb = to_size(resamples);
  std::vector<std::vector<double>> star(dims, std::vector<double>(nb)), mean(star), sd(star);
  const CounterRng rng(seed, 0);
  const auto stream = stream_id("morris/bootstrap");
  std::vector<Size> picked(r);
  for (Size b = 0; b < nb; ++b) {
    for (Size i = 0; i < r; ++i) picked[i] = draw_index(rng, stream, b, i, r);
    for (Size j = 0; j < dims; ++j)
      moments([&](Size i) { return picked[i]; }, j, star[j][b], mean[j][b], sd[j][b]);
  }
  MorrisIndices result;
  for (Size j = 0; j < dims; ++j) {
    double mu_star = 0, mu = 0, sigma = 0;
    moments([](Size i) { return i; }, j, mu_star, mu, sigma);
    result.mu_star.push_back(percentile_interval(mu_star, std::move(star[j]), confidence));
    result.mu.push_back(percentile_interval(mu, std::move(mean[j]), confidence));
    result.sigma.push_back(percentile_interval(sigma, std::move(sd[j]), confidence));
  }
  return result;
}

Design latin_hypercube_design(int k, int n, std::uint64_t seed) {
  require(k >= 1,
          "latin_hypercube_design: dimensions k must be at least 1, got " + std::to_string(k));
  require(n >= 1, "latin_hypercube_design: rows n must be at least 1, got " + std::to_string(n));
  require_design_size(n, k, "latin_hypercube_design");

  const CounterRng rng(seed, 0);
  const auto order_stream = stream_id("lhs/order");
  const auto position_stream = stream_id("lhs/position");
  const Size dims = to_size(k), rows = to_size(n);
  const auto strata = static_cast<double>(n);
  Design design;
  design.dims = k;
  design.x.resize(rows * dims);
  std::vector<Size> stratum(rows);
  for (Size j = 0; j < dims; ++j) {
    std::iota(stratum.begin(), stratum.end(), Size{0});
    shuffle(stratum, rng, order_stream, j);
    for (Size i = 0; i < rows; ++i) {
      const double low = static_cast<double>(stratum[i]) / strata;
      const double high = static_cast<double>(stratum[i] + 1) / strata;
      const double v = low + rng.uniform(position_stream, j, i) * (high - low);
      // Rounding may land on the stratum's upper edge; keep the point inside [low, high).
      design.x[i * dims + j] = v < high ? v : std::nextafter(high, 0.0);
    }
  }
  return design;
}

Design grid_design(const std::vector<int>& levels) {
  require(!levels.empty(), "grid_design: at least one dimension is required");
  std::int64_t rows = 1;
  for (Size j = 0; j < levels.size(); ++j) {
    require(levels[j] >= 1, "grid_design: dimension " + std::to_string(j) +
                                " needs at least 1 level, got " + std::to_string(levels[j]));
    rows *= levels[j];
    require_design_size(rows, static_cast<int>(levels.size()), "grid_design");
  }
  const Size dims = levels.size();
  Design design;
  design.dims = static_cast<int>(dims);
  design.x.resize(to_size(rows) * dims);
  for (Size row = 0; row < to_size(rows); ++row) {
    Size rest = row;
    for (Size j = dims; j-- > 0;) {
      const auto count = to_size(levels[j]);
      const Size level = rest % count;
      rest /= count;
      design.x[row * dims + j] =
          count == 1 ? 0.5 : static_cast<double>(level) / static_cast<double>(count - 1);
    }
  }
  return design;
}

}  // namespace stancesim
