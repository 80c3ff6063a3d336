#!/usr/bin/env bash
# The main job: set up and build, run the baseline against every what-if in scenarios/ with common
# random numbers, print the comparison table, run the example experiments (sweeps, sensitivity,
# scenario discovery), and draw the figures.
#   RUNS=1000 bash scripts/main_job.sh     (default 500 runs per scenario)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
runs=${RUNS:-500}
mapfile -t whatifs < <(ls scenarios/*.toml | grep -v '/baseline.toml$')
./build/stancesim compare scenarios/baseline.toml "${whatifs[@]}" --runs "$runs" --out results --force --explain
# Which assumptions decide China's answer to a nuclear test (docs/experiments.md).
bash scripts/experiments.sh results/experiments > results/experiments.txt
echo
grep -A6 "^scenario" results/experiments.txt | head -7
grep -A3 "design points are cases" results/experiments.txt
# The analyst views side by side (notebooks: views_side_by_side.png).
for v in lowy bennett beijing_first alliance_first; do
  ./build/stancesim compare scenarios/baseline.toml scenarios/russia_displaces_china.toml scenarios/us_pretext_action.toml \
    scenarios/nk_nuclear_test.toml scenarios/acknowledged_deployment.toml --runs "$runs" --seed 1 --view "$v" \
    --outputs summary,outcomes --out "results/views/$v" --force --quiet >/dev/null
done
bash scripts/notebooks.sh results results/figures >/dev/null
echo
echo "CSV files:  results/<scenario>/ and results/compare.csv (schemas: docs/outputs.md)"
echo "Experiments: results/experiments/ (sweeps, sensitivity.csv, PRIM boxes; docs/experiments.md)"
echo "Figures:    results/figures/*.png (notebooks as HTML beside them)"
