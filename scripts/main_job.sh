#!/usr/bin/env bash
# The main job: set up, build, run the baseline and every what-if in scenarios/, write the CSVs
# under results/<scenario>/ and print a short table of China's headline outcomes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
runs=${RUNS:-500}
for scenario in scenarios/*.toml; do
  ./build/stancesim run "$scenario" --runs "$runs" --force --explain
done
echo
echo "CSV files: results/<scenario>/ (schemas: docs/outputs.md)"
