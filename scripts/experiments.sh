#!/usr/bin/env bash
# The worked example of docs/experiments.md: which assumptions decide whether Beijing backs UN
# sanctions after a nuclear test? Sweeps the example experiments into <out> (default
# results/experiments), then computes their sensitivity indices and the PRIM box.
#   bash scripts/experiments.sh [OUT] [RUNS]     (RUNS: runs per design point, default the files')
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/experiments}
runs=()
[ -n "${2:-}" ] && runs=(--runs "$2")
bin=./build/stancesim
mkdir -p "$out"
$bin sweep experiments/un_sanctions_after_test.toml "${runs[@]}" --out "$out/un_sanctions_after_test" --force
$bin sensitivity "$out/un_sanctions_after_test" --out "$out/un_sanctions_after_test_sensitivity" --force
$bin sweep experiments/china_motives_screening.toml "${runs[@]}" --out "$out/china_motives_screening" --force
$bin sensitivity "$out/china_motives_screening" --out "$out/china_motives_screening_sensitivity" --force
$bin sweep experiments/un_sanctions_discovery.toml "${runs[@]}" --out "$out/un_sanctions_discovery" --force
$bin discover "$out/un_sanctions_discovery" --metric ever_china_dprk_un_sanctions --above 0.5 \
  --out "$out/un_sanctions_discovery_discovery" --force
