#!/usr/bin/env bash
# Benchmark of sweeps (figures printed, never asserted): a summary-only sweep of the baseline over
# two of China's parameters, side by side with `stancesim run` of the same number of runs (the
# sweep's overhead is the ratio), then a large sweep's wall time and peak memory.
#   bash scripts/bench_sweep.sh [RUNS_PER_POINT] [POINTS] [LARGE_POINTS]   (default 1000 100 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
per_point=${1:-1000}
points=${2:-100}
large=${3:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$(realpath build/stancesim)
experiment() {  # $1: points
  cat <<TOML
[experiment]
name = "bench_baseline"
description = "benchmark: a summary-only sweep of the baseline"
scenarios = ["$(realpath scenarios/baseline.toml)"]
design = "lhs"
points = $1
runs = $per_point
seed = 1
metrics = ["ever_china_dprk_un_sanctions", "mean_level_china_dprk", "final_cn_nk_trade", "peak_escalation_index"]

[[parameter]]
path = "term.china.no_nukes.weight"
low = -16.0
high = -4.0
claims = ["L26"]

[[parameter]]
path = "actor.china.lambda"
low = 1.0
high = 6.0
claims = ["LIT5"]
TOML
}
experiment "$points" > "$work/small.toml"
experiment "$large" > "$work/large.toml"
total=$((per_point * points))
echo "== sweep of $points points x $per_point runs ($total runs) vs run of $total runs, summary only"
if command -v farm-bench >/dev/null; then  # paired runs, medians and ratios (the shared machine)
  farm-bench -n 3 --warmup 0 --timeout 3600 \
    --vs "$bin run scenarios/baseline.toml --runs $total --outputs summary --out $work/run --force" \
    -- "$bin" sweep "$work/small.toml" --out "$work/sweep" --force
else
  /usr/bin/time -f "sweep: wall %e s, peak memory %M KB" "$bin" sweep "$work/small.toml" --out "$work/sweep" --force
  /usr/bin/time -f "run:   wall %e s, peak memory %M KB" "$bin" run scenarios/baseline.toml --runs "$total" \
    --outputs summary --out "$work/run" --force
fi
echo "== sweep of $large points x $per_point runs ($((per_point * large)) runs), summary only"
/usr/bin/time -f "wall %e s, peak memory %M KB" "$bin" sweep "$work/large.toml" --out "$work/large" --force
