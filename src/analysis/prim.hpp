// Scenario discovery with PRIM, the Patient Rule Induction Method: Friedman & Fisher (1999),
// "Bump hunting in high-dimensional data", Statistics and Computing 9, 123-143; in the form the
// EMA Workbench's prim.Prim applies to scenario discovery (Bryant & Lempert 2010): find an
// axis-aligned box of the input space where the cases of interest (y = 1) are dense.
//
// Peeling. From the box around all the data, each step considers, for every dimension, removing
// the lowest or the highest peel_alpha quantile of the points still in the box: with m points in
// the box and v the value at sorted position floor((m - 1) peel_alpha) from that end, every point
// at or beyond v goes, so a peel removes whole groups of tied values (discrete levels such as a
// grid's are never split) and at least one point. The new limit lies midway between v and the next
// distinct value kept (EMA's get_quantile does the same). A dimension whose box points all share
// one value cannot be peeled. Among the peels that keep the box's mass (points in box / all
// points) >= mass_min, the one whose remaining box has the highest mean of y is taken (Friedman &
// Fisher's original criterion, not EMA's default "lenient1"); ties go to the larger remaining box,
// then to the lower dimension, then to the lower side. Peeling stops when no peel keeps mass_min.
//
// Choice. Along the peeling trajectory, the first box with the highest coverage among those with
// density >= threshold; if no box reaches threshold, the first box with the highest density.
//
// Pasting. From the chosen box, each step considers, for every dimension and side, widening the
// limit to take in the paste_alpha share (at least one point, whole tie groups) of the box's point
// count nearest the limit among the points outside the box in that dimension only; the new limit
// lies midway to the next such point, or at the data's range when none remains. The widening with
// the highest density (ties: larger box) is taken as long as it does not lower the box's density;
// pasting stops when every widening would.
//
// Box measures: coverage = cases in box / all cases, density = cases in box / points in box,
// mass = points in box / all points. A point is in the box when low[j] <= x[j] <= high[j] for all
// j.
#pragma once

#include <vector>

namespace stancesim {

struct PrimOptions {
  double peel_alpha = 0.05;   // share of the box's points a peel removes, in (0, 0.5]
  double paste_alpha = 0.05;  // share of the box's points a paste adds, in (0, 1]
  double mass_min = 0.05;     // smallest mass a peeled box may have, in (0, 1]
  double threshold = 0.8;     // density wanted for the chosen box, in [0, 1]
};

struct Box {
  std::vector<double> low, high;  // per dimension; the data's range where unrestricted
  double coverage = 0;
  double density = 0;
  double mass = 0;
  int n_restricted = 0;
  std::vector<int> restricted;  // dimensions whose limits differ from the data's range, ascending
};

struct PrimResult {
  std::vector<Box> trajectory;  // peeling trajectory; trajectory[0] is the box around all the data
  int chosen = 0;               // index into trajectory of the box chosen before pasting
  Box chosen_box;               // trajectory[chosen] after pasting
};

// x: rows x dims, row-major, finite continuous (or discrete-valued) inputs; y: per row, 1 for a
// case of interest and 0 otherwise, with at least one case. Throws InputError on bad arguments.
PrimResult prim(const std::vector<double>& x, int dims, const std::vector<char>& y,
                const PrimOptions& options);

}  // namespace stancesim
