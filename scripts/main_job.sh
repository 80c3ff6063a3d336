#!/usr/bin/env bash
# The main job: set up and build, run the baseline against every what-if in scenarios/ with common
# random numbers, print the comparison table, and draw the figures.
#   RUNS=1000 bash scripts/main_job.sh     (default 500 runs per scenario)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
runs=${RUNS:-500}
mapfile -t whatifs < <(ls scenarios/*.toml | grep -v '/baseline.toml$')
./build/stancesim compare scenarios/baseline.toml "${whatifs[@]}" --runs "$runs" --out results --force --explain
bash scripts/notebooks.sh results results/figures >/dev/null
echo
echo "CSV files:  results/<scenario>/ and results/compare.csv (schemas: docs/outputs.md)"
echo "Figures:    results/figures/*.png (notebooks as HTML beside them)"
